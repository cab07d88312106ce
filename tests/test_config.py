import pytest

from assistant.config import Settings, load_settings
from assistant.errors import ConfigError


def test_defaults_put_index_and_corpus_in_the_root(tmp_path):
    settings = Settings(root=tmp_path)
    assert settings.index == tmp_path / "index" and settings.corpus == tmp_path / "corpus"


def test_toml_then_environment_then_flags(tmp_path):
    (tmp_path / "assistant.toml").write_text('chunk_size = 128\nk = 3\nmodel = "x"\n')
    env = {"PLAN_ASSISTANT_ROOT": str(tmp_path), "PLAN_ASSISTANT_K": "4",
           "PLAN_ASSISTANT_INDEX": str(tmp_path / "elsewhere")}
    settings = load_settings(environ=env)
    assert (settings.chunk_size, settings.k, settings.model) == (128, 4, "x")
    assert settings.index == tmp_path / "elsewhere"
    assert settings.with_overrides(k=9, index=None).k == 9


def test_switches_read_true_and_false_in_their_usual_spellings(tmp_path):
    (tmp_path / "assistant.toml").write_text("sentence_vectors = false\n")
    assert load_settings(environ={"PLAN_ASSISTANT_ROOT": str(tmp_path)}).sentence_vectors is False
    for raw, expected in (("yes", True), ("1", True), ("off", False), ("False", False)):
        env = {"PLAN_ASSISTANT_ROOT": str(tmp_path), "PLAN_ASSISTANT_SENTENCE_VECTORS": raw}
        assert load_settings(environ=env).sentence_vectors is expected
    with pytest.raises(ConfigError, match="sentence_vectors"):
        load_settings(environ={"PLAN_ASSISTANT_ROOT": str(tmp_path),
                               "PLAN_ASSISTANT_SENTENCE_VECTORS": "maybe"})


def test_unknown_key_is_an_error_naming_it(tmp_path):
    (tmp_path / "assistant.toml").write_text("chunk_sise = 128\n")
    with pytest.raises(ConfigError, match="chunk_sise"):
        load_settings(environ={"PLAN_ASSISTANT_ROOT": str(tmp_path)})


def test_an_unknown_environment_variable_is_an_error_naming_it(tmp_path):
    with pytest.raises(ConfigError, match="PLAN_ASSISTANT_CHUNK_SISE"):
        load_settings(environ={"PLAN_ASSISTANT_ROOT": str(tmp_path),
                               "PLAN_ASSISTANT_CHUNK_SISE": "128"})
    load_settings(environ={"PLAN_ASSISTANT_ROOT": str(tmp_path), "PLAN_ASSISTANT_AUTH": "a:b",
                           "PLAN_ASSISTANT_CACHE": str(tmp_path), "PLAN_ASSISTANT_K": "7"})


def test_malformed_values_are_errors(tmp_path):
    with pytest.raises(ConfigError, match="expected"):
        load_settings(environ={"PLAN_ASSISTANT_ROOT": str(tmp_path), "PLAN_ASSISTANT_K": "x"})
    (tmp_path / "assistant.toml").write_text("k = [")
    with pytest.raises(ConfigError, match="unreadable config"):
        load_settings(environ={"PLAN_ASSISTANT_ROOT": str(tmp_path)})


@pytest.mark.parametrize("overrides", [{"chunk_size": 400}, {"chunk_overlap": 150},
                                       {"k": 0}])
def test_out_of_range_settings_are_refused(tmp_path, overrides):
    with pytest.raises(ConfigError):
        Settings(root=tmp_path, **overrides)


def test_a_store_must_be_a_postgresql_url_and_its_password_stays_out_of_the_error(tmp_path):
    with pytest.raises(ConfigError, match="postgresql://") as raised:
        Settings(root=tmp_path, store="mysql://admin:hunter2@db/plans")
    assert "hunter2" not in str(raised.value)
    assert Settings(root=tmp_path, store="postgresql://u:p@db/plans").store
    assert load_settings(environ={"PLAN_ASSISTANT_STORE": "postgresql://u@db/x",
                                  "PLAN_ASSISTANT_ROOT": str(tmp_path)}).store == \
        "postgresql://u@db/x"
