"""Command line: thin commands that parse arguments and call the pipeline.

Exit status follows the contract: 0 success, 1 fatal (nothing changed), 2 partial. With
`--json` stdout carries exactly one JSON object (or JSON Lines for `--batch`); progress and
messages go to stderr. Heavy libraries are imported inside the commands so `--help` is fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.config import Settings, load_settings
from assistant.errors import ConfigError, PlanAssistantError

EXIT_OK, EXIT_FATAL, EXIT_PARTIAL = 0, 1, 2
REALDOCS_PDF = "../shared/data/realdocs/pdf"


def _print_json(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings().with_overrides(index=args.index, k=getattr(args, "k", None))


def _read_batch(path: Path, key: str) -> list[str]:
    """One item a line: plain text, or a JSON object holding `key` (or 'question'/'query')."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read batch file ({exc})") from exc
    items = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if line.lstrip().startswith("{"):
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ConfigError(f"{path}:{number}: invalid JSON ({exc.msg})") from exc
            text = obj.get(key) or obj.get("question") or obj.get("query")
            if not isinstance(text, str):
                raise ConfigError(f"{path}:{number}: JSON line has no '{key}' string")
            items.append(text)
        else:
            items.append(line.strip())
    return items


def cmd_ingest(args: argparse.Namespace) -> int:
    from assistant.embeddings import make_embedder
    from assistant.ingest import ingest

    settings = _settings(args)
    paths = [Path(p) for p in args.paths] or [settings.corpus]
    embedder = make_embedder(settings.model, settings.embedding_backend)
    report = ingest(paths, settings, embedder, rebuild=args.rebuild,
                    show_progress=not args.quiet)
    if args.json:
        _print_json(report.to_json())
    else:
        print(f"index {report.index}: {report.documents} documents, {report.pages} pages, "
              f"{report.chunks} chunks ({report.seconds:.1f} s)")
        print(f"this run: {report.added} added, {report.updated} updated, "
              f"{report.unchanged} unchanged, {report.removed} removed, "
              f"{len(report.failed)} failed")
        for warning in report.warnings:
            page = f" page {warning['page']}" if warning["page"] else ""
            print(f"warning: {warning['source']}{page}: {warning['warning']}", file=sys.stderr)
    for failure in report.failed:
        print(f"failed: {failure['source']}: {failure['error']}", file=sys.stderr)
    return EXIT_PARTIAL if report.failed else EXIT_OK


def _print_search(response: dict) -> None:
    print(f"Results for: {response['query']}")
    for result in response["results"]:
        where = result["source"] + (f", page {result['page']}" if result["page"] else "")
        section = f" › {result['section']}" if result["section"] else ""
        print(f"\n[{result['rank']}] {result['title']}{section} ({where}) "
              f"score {result['score']:.3f}")
        text = result["text"].replace("\n", " ")
        print("    " + (text[:300] + "…" if len(text) > 300 else text))


def cmd_search(args: argparse.Namespace) -> int:
    from assistant.pipeline import Assistant

    assistant = Assistant(_settings(args))
    queries = _read_batch(Path(args.batch), "query") if args.batch else [args.query]
    if not args.batch and not (args.query or "").strip():
        raise ConfigError("search needs a QUERY (or --batch FILE)")
    for query in queries:
        response = assistant.search(query, args.k).to_json()
        _print_json(response) if args.json else _print_search(response)
    return EXIT_OK


def _print_answer(answer: dict) -> None:
    if answer.get("query"):
        print(f"(searched for: {answer['query']})")
    print(answer["answer"])
    if answer.get("notice"):
        print(f"note: {answer['notice']}")
    for citation in answer["citations"]:
        where = citation["source"] + (f", page {citation['page']}" if citation["page"] else "")
        section = f" › {citation['section']}" if citation["section"] else ""
        print(f"  [{citation['id']}] {citation['title']}{section} ({where})")


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.pipeline import Assistant

    settings = _settings(args)
    assistant = Assistant(settings)
    if args.batch:
        questions = _read_batch(Path(args.batch), "question")
    elif (args.question or "").strip():
        questions = [args.question]
    else:
        raise ConfigError("ask needs a QUESTION (or --batch FILE)")
    for question in questions:
        answer = assistant.ask(question, args.k, backend=args.backend,
                               sources=args.source or None).to_json()
        if args.json:
            _print_json(answer)
        else:
            _print_answer(answer)
            if len(questions) > 1:
                print()
    return EXIT_OK


def cmd_chat(args: argparse.Namespace) -> int:
    from assistant.pipeline import Assistant

    assistant = Assistant(_settings(args))
    history: list[str] = []
    print("Ask about the plan documents; follow-up questions use the conversation. "
          "Empty line or Ctrl-D to quit.")
    while True:
        try:
            question = input("\nyou> ").strip()
        except EOFError:
            break
        if not question:
            break
        answer = assistant.ask(question, args.k, backend=args.backend, history=history)
        history.append(answer.query or question)
        _print_answer(answer.to_json())
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    from assistant.evaluation.judge import LLMJudge
    from assistant.evaluation.qa import load_qa
    from assistant.evaluation.report import write_report
    from assistant.evaluation.runner import (
        chunk_size_runs,
        retrieval_modes,
        run,
        summarise,
        threshold_sweep,
    )
    from assistant.pipeline import Assistant

    settings = _settings(args)
    out = Path(args.out) if args.out else settings.root / "eval" / "out"
    qa_path = Path(args.qa) if args.qa else settings.root / "eval" / "qa.jsonl"
    items = load_qa(qa_path)
    realdocs = Path(args.realdocs) if args.realdocs else settings.root / REALDOCS_PDF
    if (args.realdocs or args.seeds) and not realdocs.is_dir():
        raise ConfigError(f"{realdocs}: no such folder of real PDFs (--realdocs DIR)")
    articles = sorted(Path(args.seeds).glob("*.txt")) if args.seeds else []
    if args.seeds and not articles:
        raise ConfigError(f"{args.seeds}: no seed articles (*.txt) there (--seeds DIR)")
    judge = _judge_backend(args.judge, settings) if args.judge else None
    open_items = None
    if args.open:  # checked before the main set runs, like the other inputs
        from assistant.evaluation.open import load_open

        open_items = load_open(Path(args.open))
    assistant = Assistant(settings)
    records = run(assistant, items, show_progress=not args.quiet)
    summary = summarise(records, settings.refusal_threshold, assistant.embedder)
    modes, chunk_rows, extra = [], [], {}
    if args.compare:
        modes = retrieval_modes(assistant, items)
        chunk_rows = chunk_size_runs(assistant, items, [128, 200, 224], out / "indexes",
                                     show_progress=not args.quiet)
    other_sets = {"realdocs": [realdocs]} if args.realdocs else {}
    if args.seeds:
        other_sets["seeds"] = [*articles, realdocs]
    extra_modes: dict[str, list[dict]] = {}
    for name, paths in other_sets.items():
        extra[name], modes_there = _other_set(assistant, out, name, paths, args.quiet,
                                              args.compare)
        if modes_there:
            extra_modes[name] = modes_there
    if open_items is not None:
        from assistant.evaluation.open import evaluate_open, open_report

        summary["open"], open_records = evaluate_open(
            assistant, open_items, out / "indexes", show_progress=not args.quiet)
        out.mkdir(parents=True, exist_ok=True)
        (out / "open.md").write_text(open_report(summary["open"], open_records))
    if judge is not None:
        summary["llm_judged"] = LLMJudge(judge.complete, assistant.embedder).judge(
            records, settings.refusal_threshold, not args.quiet).summary(judge.where)
    report = write_report(out, f"Evaluation: {qa_path.name}", summary, records,
                          threshold_sweep(records), modes, chunk_rows, extra, extra_modes)
    if args.json:
        _print_json(summary | ({"other_sets": extra} if extra else {}))
    else:
        print(json.dumps(summary, indent=2))
    print(f"report: {report}", file=sys.stderr)
    return EXIT_OK


def _other_set(assistant, out: Path, name: str, paths: list[Path], quiet: bool,
               compare: bool) -> tuple[dict, list[dict]]:
    """Index `paths` afresh and run eval/<name>.jsonl over them with the same settings; with
    `compare`, the retrieval configurations too."""
    from assistant.evaluation.qa import load_qa
    from assistant.evaluation.runner import retrieval_modes, run, summarise
    from assistant.ingest import ingest
    from assistant.pipeline import Assistant

    settings = assistant.settings.with_overrides(index=out / "indexes" / name)
    ingest(paths, settings, assistant.embedder, rebuild=True, show_progress=not quiet)
    other = Assistant(settings, embedder=assistant.embedder)
    items = load_qa(settings.root / "eval" / f"{name}.jsonl")
    summary = summarise(run(other, items, show_progress=not quiet, desc=name),
                        settings.refusal_threshold)
    return summary, retrieval_modes(other, items) if compare else []


def _judge_backend(name: str, settings: Settings):
    """The LLM backend for `--judge`, checked before the evaluation starts: an unreachable
    model is fatal up front rather than a run of failed judgements."""
    from assistant.answer.registry import create_backend

    backend = create_backend(name, settings)
    try:
        backend.complete([{"role": "user", "content": "Reply with the word ready."}])
    except Exception as exc:  # any failure to reach the model
        raise ConfigError(f"--judge {name}: the language model ({backend.where}) did not "
                          f"answer: {type(exc).__name__}: {exc}"[:400]) from exc
    return backend


def cmd_summarize(args: argparse.Namespace) -> int:
    from assistant.pipeline import Assistant
    from assistant.summarize import Summarizer, write_docx

    assistant = Assistant(_settings(args))
    summarizer = Summarizer(assistant)
    if args.document:
        brief = summarizer.digest(args.document)
    elif (args.topic or "").strip():
        brief = summarizer.topic(args.topic, args.length, args.audience)
    else:
        raise ConfigError("summarize needs a TOPIC (or --document SOURCE)")
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        fmt = args.format or ("docx" if out.suffix.lower() == ".docx" else "md")
        if fmt == "docx":
            write_docx(brief, out)
        else:
            out.write_text(brief.to_markdown(), encoding="utf-8")
        print(f"written: {out}", file=sys.stderr)
    if args.json:
        _print_json(brief.to_json())
    elif not args.out:
        print(brief.to_markdown())
    return EXIT_OK


def _users(spec: str | None) -> list[tuple[str, str]]:
    users = []
    for pair in filter(None, (spec or "").split(",")):
        name, _, password = pair.partition(":")
        if not name or not password:
            raise ConfigError("--auth takes USER:PASSWORD[,USER:PASSWORD...]")
        users.append((name.strip(), password))
    return users


def cmd_serve(args: argparse.Namespace) -> int:
    from assistant.pipeline import Assistant
    from assistant.ui import launch

    settings = _settings(args)
    users = _users(args.auth or os.environ.get("PLAN_ASSISTANT_AUTH"))
    admin_spec = args.admins or os.environ.get("PLAN_ASSISTANT_ADMINS")
    admins = ({a.strip() for a in admin_spec.split(",") if a.strip()} if admin_spec
              else {users[0][0]} if users else None)
    assistant = Assistant(settings)
    assistant.snapshot  # noqa: B018 - fail now, with the CLI's message, if there is no index
    if args.host not in ("127.0.0.1", "localhost", "::1") and not users:
        print("warning: serving beyond this machine without --auth", file=sys.stderr)
    launch(assistant, args.host, args.port, users, admins)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="plan-assistant",
        description="Cited answers over health-system plan documents, offline.",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--index", type=Path, metavar="DIR",
                        help="index folder (default: index/ in the project root, "
                             "or $PLAN_ASSISTANT_INDEX)")
    common.add_argument("--json", action="store_true",
                        help="print one JSON object on stdout (progress goes to stderr)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    ingest = sub.add_parser("ingest", parents=[common], help="add or update documents in the index")
    ingest.add_argument("paths", nargs="*", metavar="PATH",
                        help="files or folders (PDF, Markdown, text, HTML, DOCX); default corpus/")
    ingest.add_argument("--rebuild", action="store_true", help="start from an empty index")
    ingest.add_argument("--quiet", action="store_true", help="no progress bars")
    ingest.set_defaults(handler=cmd_ingest)

    search = sub.add_parser("search", parents=[common], help="retrieve passages for a query")
    search.add_argument("query", nargs="?", metavar="QUERY", help="what to look for")
    search.add_argument("--k", type=int, help="number of passages (default 5)")
    search.add_argument("--batch", metavar="FILE",
                        help="one query a line (text or JSON with 'query'); JSON Lines out")
    search.set_defaults(handler=cmd_search)

    answering = argparse.ArgumentParser(add_help=False)
    answering.add_argument("--k", type=int, help="passages to retrieve (default 5)")
    answering.add_argument("--backend", choices=["extractive", "openai", "llamacpp"],
                           help="extractive (default, offline), openai (any OpenAI-compatible "
                                "endpoint: llm_base_url, llm_model, llm_api_key_env) or "
                                "llamacpp (a local GGUF file: gguf_path)")
    ask = sub.add_parser("ask", parents=[common, answering], help="answer one question, cited")
    ask.add_argument("question", nargs="?", metavar="QUESTION")
    ask.add_argument("--batch", metavar="FILE",
                     help="one question a line (text or JSON with 'question'); JSON Lines out")
    ask.add_argument("--source", action="append", metavar="SOURCE",
                     help="only search this document (as listed by ingest); repeatable")
    ask.set_defaults(handler=cmd_ask)

    chat = sub.add_parser("chat", parents=[common, answering],
                          help="ask questions in the terminal, with follow-ups")
    chat.set_defaults(handler=cmd_chat)

    summarize = sub.add_parser("summarize", parents=[common],
                               help="a cited brief on a topic, or a digest of one document")
    summarize.add_argument("topic", nargs="?", metavar="TOPIC")
    summarize.add_argument("--document", metavar="SOURCE",
                           help="digest this document section by section instead")
    summarize.add_argument("--length", choices=["short", "page", "long"], default="page")
    summarize.add_argument("--audience", choices=["staff", "public"], default="staff")
    summarize.add_argument("--out", metavar="FILE", help="write the brief to FILE")
    summarize.add_argument("--format", choices=["md", "docx"],
                           help="format of --out (default from its suffix)")
    summarize.set_defaults(handler=cmd_summarize)

    evaluate = sub.add_parser("eval", parents=[common],
                              help="run the Q&A set and write a report with plots")
    evaluate.add_argument("--qa", metavar="FILE", help="Q&A set (default eval/qa.jsonl)")
    evaluate.add_argument("--out", metavar="DIR", help="report folder (default eval/out)")
    evaluate.add_argument("--compare", action="store_true",
                          help="also compare retrieval modes, acronym expansion and chunk "
                               "sizes side by side (re-indexes the documents)")
    evaluate.add_argument("--realdocs", metavar="DIR", nargs="?",
                          const=REALDOCS_PDF,
                          help="also run eval/realdocs.jsonl over these PDFs (default "
                               "../shared/data/realdocs/pdf)")
    evaluate.add_argument("--seeds", metavar="DIR", nargs="?", const="../shared/seeds",
                          help="also run eval/seeds.jsonl over the seed articles (*.txt in DIR, "
                               "default ../shared/seeds) indexed together with the real PDFs")
    evaluate.add_argument("--open", metavar="FILE", nargs="?", const="eval/open.jsonl",
                          help="also run the open questions (definitions, lists, steps, "
                               "overviews, reasons; default eval/open.jsonl): key-point recall "
                               "per form and half, in open.md")
    evaluate.add_argument("--judge", metavar="BACKEND", nargs="?", const="openai",
                          choices=["openai", "llamacpp"],
                          help="also score answers RAGAS-style with a language model: openai "
                               "(default: the OpenAI-compatible endpoint in llm_base_url, "
                               "llm_model) or llamacpp (gguf_path)")
    evaluate.add_argument("--quiet", action="store_true", help="no progress bars")
    evaluate.set_defaults(handler=cmd_eval)

    serve = sub.add_parser("serve", parents=[common], help="start the chat app (Gradio)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback)")
    serve.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    serve.add_argument("--auth", metavar="USER:PASS[,USER:PASS]",
                       help="require a login (or set $PLAN_ASSISTANT_AUTH)")
    serve.add_argument("--admins", metavar="USER[,USER]",
                       help="who may change the library when --auth is on (default: the first "
                            "user; or $PLAN_ASSISTANT_ADMINS)")
    serve.set_defaults(handler=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except PlanAssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FATAL
    except OSError as exc:  # unwritable folder, a file where a folder should be, full disk
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc} (check the path and its permissions)",
              file=sys.stderr)
        return EXIT_FATAL
    except KeyboardInterrupt:
        print("interrupted: the index was not changed", file=sys.stderr)
        return EXIT_FATAL


if __name__ == "__main__":
    raise SystemExit(main())
