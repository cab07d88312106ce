"""Command line: thin commands that parse arguments and call the pipeline.

Exit status follows the contract: 0 success, 1 fatal (nothing changed), 2 partial. With
`--json` stdout carries exactly one JSON object (or JSON Lines for `--batch` and `chat`);
progress and messages go to stderr. Heavy libraries are imported inside the commands so
`--help` is fast.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from assistant.config import ANSWER_BACKENDS, LLM_BACKENDS, Settings, load_settings
from assistant.errors import ConfigError, PlanAssistantError

EXIT_OK, EXIT_FATAL, EXIT_PARTIAL = 0, 1, 2
MIN_YEAR, MAX_YEAR = 1990, 2100  # the years `commitments --due` takes
REALDOCS_PDF = "../shared/data/realdocs/pdf"


def _print_json(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings().with_overrides(index=args.index, store=args.store,
                                          k=getattr(args, "k", None))


def _read_batch(path: Path, key: str) -> list[str]:
    """One item a line: plain text, or a JSON object holding `key` (or 'question'/'query').
    A blank line between items is an empty item, so that output line n answers input line n;
    blank lines at the end are not items."""
    try:
        lines = path.read_text(encoding="utf-8").rstrip().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read batch file ({exc})") from exc
    items = []
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith("{"):
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ConfigError(f"{path}:{number}: invalid JSON ({exc.msg})") from exc
            text = next((obj[name] for name in (key, "question", "query")
                         if isinstance(obj.get(name), str)), None)
            if text is None:
                raise ConfigError(f"{path}:{number}: JSON line has no '{key}' string")
            items.append(text)
        else:
            items.append(line.strip())
    return items


def _assistant(args: argparse.Namespace):
    from assistant.service import Assistant

    return Assistant(_settings(args))


def cmd_ingest(args: argparse.Namespace) -> int:
    assistant = _assistant(args)
    report = assistant.add_documents([Path(p) for p in args.paths] or None,
                                     rebuild=args.rebuild, show_progress=not args.quiet)
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


def cmd_migrate(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if not settings.store:
        raise ConfigError("migrate copies into PostgreSQL: give --store URL "
                          "(or set $PLAN_ASSISTANT_STORE)")
    assistant = _assistant(args)
    documents, pages, chunks = assistant.copy_index(settings.index, replace=args.replace)
    result = {"index": str(settings.index), "store": assistant.store.location,
              "documents": documents, "pages": pages, "chunks": chunks}
    if args.json:
        _print_json(result)
    else:
        print(f"copied {settings.index} to {result['store']}: {documents} documents, "
              f"{pages} pages, {chunks} chunks (vectors reused)")
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    assistant = _assistant(args)
    queries = _read_batch(Path(args.batch), "query") if args.batch else [args.query]
    if not args.batch and not (args.query or "").strip():
        raise ConfigError("search needs a QUERY (or --batch FILE)")
    for query in queries:
        response = assistant.search(query, args.k)
        if args.json:
            _print_json(response.to_json())
            continue
        print(f"Results for: {response.query}")
        for result in response.results:
            text = result.text.replace("\n", " ")
            print(f"\n[{result.id}] {result.reference()} score {result.score:.3f}")
            print("    " + (text[:300] + "…" if len(text) > 300 else text))
    return EXIT_OK


def _print_answer(answer) -> None:
    if answer.query:
        print(f"(searched for: {answer.query})")
    print(answer.text)
    if answer.notice:
        print(f"note: {answer.notice}")
    if named := answer.named_note():
        print(f"note: {named}")
    for citation in answer.citations:
        print(f"  [{citation.id}] {citation.reference()}")


def cmd_ask(args: argparse.Namespace) -> int:
    assistant = _assistant(args)
    if args.batch and args.question:
        raise ConfigError("ask takes a QUESTION or --batch FILE, not both")
    if args.batch:
        questions = _read_batch(Path(args.batch), "question")
    elif (args.question or "").strip():
        questions = [args.question]
    else:
        raise ConfigError("ask needs a QUESTION (or --batch FILE)")
    for question in questions:
        answer = assistant.ask(question, args.k, backend=args.backend, sources=[
            assistant.source_named(source) for source in args.source or []] or None)
        if args.json:
            _print_json(answer.to_json())
        else:
            _print_answer(answer)
            if len(questions) > 1:
                print()
    return EXIT_OK


def cmd_chat(args: argparse.Namespace) -> int:
    """A conversation in the terminal; with `--json`, one ask JSON object a line for each
    question (JSON Lines) and the prompts on stderr."""
    assistant = _assistant(args)
    history: list[str] = []
    prompts = sys.stderr if args.json else sys.stdout
    print("Ask about the plan documents; follow-up questions use the conversation. "
          "Empty line or Ctrl-D to quit.", file=prompts)
    while True:
        print("\nyou> ", end="", file=prompts, flush=True)
        try:
            question = input().strip()
        except EOFError:
            break
        if not question:
            break
        answer = assistant.ask(question, args.k, backend=args.backend, history=history)
        history.append(answer.query or question)
        if args.json:
            _print_json(answer.to_json())
        else:
            _print_answer(answer)
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    from assistant.service import EvalRequest

    def path(value: str | None) -> Path | None:
        return Path(value) if value else None

    request = EvalRequest(qa=path(args.qa), out=path(args.out), compare=args.compare,
                          realdocs=path(args.realdocs), seeds=path(args.seeds),
                          open_set=path(args.open), judge=args.judge,
                          validator=args.validator, commitments=args.commitments,
                          show_progress=not args.quiet)
    summary, report = _assistant(args).evaluate(request)
    if args.json:
        _print_json(summary)
    else:
        print(json.dumps(summary, indent=2))
    print(f"report: {report}", file=sys.stderr)
    return EXIT_OK


def cmd_commitments(args: argparse.Namespace) -> int:
    if args.compare and (ignored := [f"--{name}" for name in ("due", "source", "topic", "out")
                                     if getattr(args, name) is not None]):
        raise ConfigError(f"--compare lists what changed between two files; "
                          f"{', '.join(ignored)} apply to the register, not to a comparison")
    if args.due is not None and not MIN_YEAR <= args.due <= MAX_YEAR:
        raise ConfigError(f"--due takes a year between {MIN_YEAR} and {MAX_YEAR}, "
                          f"not {args.due}")
    assistant = _assistant(args)
    if args.compare:
        old, new = (Path(p) for p in args.compare)
        comparison = assistant.compare_commitments(old, new)
        if args.json:
            _print_json(comparison.to_json())
        else:
            for label, items in (("added", comparison.added), ("removed", comparison.removed)):
                for item in items:
                    print(f"{label}: {item.what} ({item.citation.source}, page "
                          f"{item.citation.page or '-'})")
            for change in comparison.changed:
                print(f"changed ({', '.join(change.what_changed)}): {change.old.what} -> "
                      f"{change.new.what}")
        return EXIT_OK
    found = assistant.commitments(due=args.due, topic=args.topic, source=assistant.source_named(
        args.source) if args.source else None)
    if args.out:
        assistant.write_register(found, Path(args.out))
    if args.json:
        _print_json({"count": len(found), "commitments": [c.to_json() for c in found]})
    elif not args.out:
        for item in found:
            deadline = f" [{item.when.text}]" if item.when.text else ""
            print(f"- {item.what}{deadline} ({item.citation.source}"
                  f"{', page ' + str(item.citation.page) if item.citation.page else ''})")
        print(f"{len(found)} commitments")
    else:
        print(f"{len(found)} commitments written to {args.out}")
    return EXIT_OK


def cmd_summarize(args: argparse.Namespace) -> int:
    assistant = _assistant(args)
    if args.document:
        brief = assistant.digest(assistant.source_named(args.document), args.length)
    elif (args.topic or "").strip():
        brief = assistant.summarize(args.topic, args.length, args.audience)
    else:
        raise ConfigError("summarize needs a TOPIC (or --document SOURCE)")
    if args.out:
        written = assistant.write_brief(brief, Path(args.out), args.format)
        print(f"written: {written}", file=sys.stderr)
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
    from assistant.ui import launch

    users = _users(args.auth or os.environ.get("PLAN_ASSISTANT_AUTH"))
    admin_spec = args.admins or os.environ.get("PLAN_ASSISTANT_ADMINS")
    admins = ({a.strip() for a in admin_spec.split(",") if a.strip()} if admin_spec
              else {users[0][0]} if users else None)
    assistant = _assistant(args)
    assistant.open_index()  # fail now, with the CLI's message, if there is no index
    _check_address(args.host, args.port)
    if args.host not in ("127.0.0.1", "localhost", "::1") and not users:
        print("warning: serving beyond this machine without --auth", file=sys.stderr)
    launch(assistant, args.host, args.port, users, admins)
    return EXIT_OK


def _check_address(host: str, port: int) -> None:
    """Fail before the app is built, with a message that says what to change, when the host
    is no address of this machine or the port is out of range or taken."""
    if not 1 <= port <= 65535:
        raise ConfigError(f"--port {port}: a port is a number from 1 to 65535")
    try:
        family, kind, _, _, address = socket.getaddrinfo(host, port,
                                                         type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise ConfigError(f"--host {host}: not a name or address this machine can resolve "
                          f"({exc.strerror}); give an address of this machine, e.g. "
                          "127.0.0.1") from exc
    with socket.socket(family, kind) as probe:
        if hasattr(socket, "SO_REUSEADDR") and os.name == "posix":  # as the server binds: a
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # port left in
            # TIME-WAIT by the last run is free to serve on
        try:
            probe.bind(address)
        except OSError as exc:
            raise ConfigError(f"cannot serve on {host}:{port} ({exc.strerror}): another "
                              "program may be using the port; choose another with --port, "
                              "or give an address of this machine with --host") from exc


def _library_commands(sub, common: argparse.ArgumentParser) -> None:
    ingest = sub.add_parser("ingest", parents=[common], help="add or update documents in the index")
    ingest.add_argument("paths", nargs="*", metavar="PATH",
                        help="files or folders (PDF, Markdown, text, HTML, DOCX); default corpus/")
    ingest.add_argument("--rebuild", action="store_true", help="start from an empty index")
    ingest.add_argument("--quiet", action="store_true", help="no progress bars")
    ingest.set_defaults(handler=cmd_ingest)

    register = sub.add_parser("commitments", parents=[common],
                              help="the register of the documents' commitments")
    register.add_argument("--due", type=int, metavar="YEAR", help="only those due that year")
    register.add_argument("--source", metavar="SOURCE", help="only one document")
    register.add_argument("--topic", metavar="TEXT", help="only those about a topic")
    register.add_argument("--out", metavar="FILE", help="write .csv, .xlsx or .md")
    register.add_argument("--compare", nargs=2, metavar=("OLD", "NEW"),
                          help="what two versions of a document add, remove and change")
    register.set_defaults(handler=cmd_commitments)

    migrate = sub.add_parser("migrate", parents=[common],
                             help="copy an on-disk index (--index) into PostgreSQL (--store), "
                                  "vectors and all")
    migrate.add_argument("--replace", action="store_true",
                         help="overwrite an index the database already holds")
    migrate.set_defaults(handler=cmd_migrate)

    search = sub.add_parser("search", parents=[common], help="retrieve passages for a query")
    search.add_argument("query", nargs="?", metavar="QUERY", help="what to look for")
    search.add_argument("--k", type=int, help="number of passages (default 5)")
    search.add_argument("--batch", metavar="FILE",
                        help="one query a line (text or JSON with 'query'); JSON Lines out")
    search.set_defaults(handler=cmd_search)


def _question_commands(sub, common: argparse.ArgumentParser) -> None:
    answering = argparse.ArgumentParser(add_help=False)
    answering.add_argument("--k", type=int, help="passages to retrieve (default 5)")
    answering.add_argument("--backend", choices=ANSWER_BACKENDS,
                           help="extractive (default, offline), openai (any OpenAI-compatible "
                                "endpoint: llm_base_url, llm_model, llm_api_key_env) or "
                                "llamacpp (a local GGUF file: gguf_path)")
    ask = sub.add_parser("ask", parents=[common, answering], help="answer one question, cited")
    ask.add_argument("question", nargs="?", metavar="QUESTION")
    ask.add_argument("--batch", metavar="FILE",
                     help="one question a line (text or JSON with 'question'); JSON Lines out")
    ask.add_argument("--source", action="append", metavar="SOURCE",
                     help="only search this document (its path, or its name as the library "
                          "lists it); repeatable")
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


def _eval_command(sub, common: argparse.ArgumentParser) -> None:
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
    evaluate.add_argument("--judge", metavar="BACKEND", nargs="?", const=LLM_BACKENDS[0],
                          choices=LLM_BACKENDS,
                          help="also score answers RAGAS-style with a language model: openai "
                               "(default: the OpenAI-compatible endpoint in llm_base_url, "
                               "llm_model) or llamacpp (gguf_path)")
    evaluate.add_argument("--commitments", action="store_true",
                          help="also score the commitments register against "
                               "eval/commitments.jsonl (precision, recall, deadline year per "
                               "half and document), in commitments.md")
    evaluate.add_argument("--validator", action="store_true",
                          help="also check the LLM answer validator on faithful and corrupted "
                               "sentences built from the sets' evidence (by kind and half)")
    evaluate.add_argument("--quiet", action="store_true", help="no progress bars")
    evaluate.set_defaults(handler=cmd_eval)


def _serve_command(sub, common: argparse.ArgumentParser) -> None:
    serve = sub.add_parser("serve", parents=[common], help="start the chat app (Gradio)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback)")
    serve.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    serve.add_argument("--auth", metavar="USER:PASS[,USER:PASS]",
                       help="require a login (or set $PLAN_ASSISTANT_AUTH)")
    serve.add_argument("--admins", metavar="USER[,USER]",
                       help="who may change the library when --auth is on (default: the first "
                            "user; or $PLAN_ASSISTANT_ADMINS)")
    serve.set_defaults(handler=cmd_serve)


class _Parser(argparse.ArgumentParser):
    """Bad arguments exit with the contract's 1 (fatal, nothing changed), not argparse's 2,
    which the contract keeps for partial success."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_FATAL, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="plan-assistant",
        description="Cited answers over health-system plan documents, offline.",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--index", type=Path, metavar="DIR",
                        help="index folder (default: index/ in the project root, "
                             "or $PLAN_ASSISTANT_INDEX)")
    common.add_argument("--store", metavar="URL",
                        help="postgresql://user:password@host:port/db keeps the index in "
                             "PostgreSQL with pgvector (default: $PLAN_ASSISTANT_STORE, else "
                             "the --index folder)")
    common.add_argument("--json", action="store_true",
                        help="print one JSON object on stdout (progress goes to stderr)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add_commands in (_library_commands, _question_commands, _eval_command, _serve_command):
        add_commands(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    status = EXIT_OK
    try:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as exit_:  # --help printed, or bad arguments (exit 1)
            status = int(exit_.code or 0)
            sys.stdout.flush()
            return status
        handler: Callable[[argparse.Namespace], int] = args.handler
        status = handler(args)
        sys.stdout.flush()  # here, not at exit, so that a closed pipe is caught below
        return status
    except BrokenPipeError:  # the reader of stdout went away ("| head"): it took what it
        # wanted; the command's own status stands (0 when the pipe broke mid-output)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return status
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
