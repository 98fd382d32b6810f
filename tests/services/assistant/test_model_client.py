"""Model mode against a scripted OpenAI-compatible server on loopback: the protocol, the tool
loop and its step limit, and the verification of every code the model names."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from chartcode.services.assistant import ModelConfig, ModelError


class ScriptedServer:
    """Answers POST /v1/chat/completions with the next scripted message; records requests."""

    def __init__(self, script, status=200):
        self.script = list(script)
        self.requests = []
        self.headers = []
        self.status = status
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append((self.path, body))
                outer.headers.append(dict(self.headers))
                message = outer.script.pop(0) if len(outer.script) > 1 else outer.script[0]
                reply = json.dumps(
                    {"id": "x", "object": "chat.completion",
                     "choices": [{"index": 0, "message": message, "finish_reason": "stop"}]}
                ).encode()  # fmt: skip
                self.send_response(outer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def tool_call(name, args, call_id="call_1"):
    return {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {"id": call_id, "type": "function",
             "function": {"name": name, "arguments": json.dumps(args)}}
        ],
    }  # fmt: skip


def test_tool_loop_protocol_citations_and_code_checks(desk):
    script = [
        tool_call("lookup_code", {"code": "E11.40"}),
        tool_call("mue", {"code": "64450"}, "call_2"),
        {"role": "assistant", "content": "E11.40 is type 2 diabetes with neuropathy [c1]. "
         "The MUE of 64450 is 10 [c2]. Also consider E11.4 and Q99.99."},
    ]  # fmt: skip
    with ScriptedServer(script) as server:
        config = ModelConfig(url=server.url, model="scripted-1", api_key="sk-test")
        chunks = list(desk.ask_stream("What is E11.40 and the MUE of 64450?", model=config))
    # Protocol: the endpoint path, the model, the tools offered, the bearer key.
    path, first = server.requests[0]
    assert path == "/v1/chat/completions" and first["model"] == "scripted-1"
    names = {t["function"]["name"] for t in first["tools"]}
    assert {"lookup_code", "ptp_pair", "mue", "guideline_lookup"} <= names
    assert {"suggest_codes", "check_claim"} <= names  # the desk's case coding and claims
    assert server.headers[0]["Authorization"] == "Bearer sk-test"
    assert first["messages"][0]["role"] == "system" and first["messages"][1]["role"] == "user"
    # The tool loop: the second request carries the assistant's call and the tool's result.
    second = server.requests[1][1]["messages"]
    assert second[-2]["tool_calls"][0]["id"] == "call_1"
    assert second[-1]["role"] == "tool" and second[-1]["tool_call_id"] == "call_1"
    result = json.loads(second[-1]["content"])
    assert result["ok"] and result["title"].startswith("Type 2 diabetes") and result["cite"]
    assert len(server.requests) == 3
    # Streamed: two tool calls, the text, then the answer.
    assert [c.type for c in chunks[:2]] == ["tool_call", "tool_call"]
    answer = chunks[-1].data["answer"]
    assert answer["mode"] == "model" and [t["name"] for t in answer["tool_calls"]] == [
        "lookup_code",
        "mue",
    ]
    # Citations kept (renumbered in order of use) and every code checked.
    assert [c["file"] for c in answer["citations"]] == [
        "tabular_sample_2026.xml",
        "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv",
    ]
    status = {c["code"]: c["status"] for c in answer["codes"]}
    assert status["E11.40"] == "valid" and status["Q99.99"] == "unknown"
    assert status["E11.4"] == "not_billable"
    assert any("Q99.99 is not a code" in f for f in answer["flags"])
    assert any("E11.4 is not valid for billing" in f for f in answer["flags"])


def test_step_limit_stops_a_model_that_never_answers(desk):
    with ScriptedServer([tool_call("lookup_code", {"code": "E11.9"})]) as server:
        a = desk.ask("loop", model=ModelConfig(url=server.url, model="m", max_steps=2))
    # Two rounds with tools, then one final request without them.
    assert len(server.requests) == 3 and "tools" not in server.requests[-1][1]
    assert len(a.tool_calls) == 2
    assert any("still asked for tools" in f for f in a.flags)
    assert any("cites no tool result" in f for f in a.flags)


def test_bad_tool_arguments_go_back_to_the_model(desk):
    bad = {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {"id": "c9", "type": "function", "function": {"name": "mue", "arguments": "{oops"}}
        ],
    }
    script = [bad, {"role": "assistant", "content": "I could not check that."}]
    with ScriptedServer(script) as server:
        a = desk.ask("units?", model=ModelConfig(url=server.url, model="m"))
    tool_msg = server.requests[1][1]["messages"][-1]
    assert tool_msg["role"] == "tool" and "not JSON" in tool_msg["content"]
    assert a.tool_calls[0].ok is False and a.text == "I could not check that."


def test_endpoint_errors_are_model_errors(desk):
    failing = ScriptedServer([{"role": "assistant", "content": "x"}], status=500)
    with failing as server, pytest.raises(ModelError, match="HTTP 500"):
        desk.ask("q", model=ModelConfig(url=server.url, model="m"))
    with pytest.raises(ModelError, match="unreachable"):
        desk.ask("q", model=ModelConfig(url="http://127.0.0.1:9/v1", model="m", timeout=2))


def test_config_from_flags_and_environment(monkeypatch):
    monkeypatch.delenv("CHARTCODE_MODEL_URL", raising=False)
    assert ModelConfig.from_env() is None
    monkeypatch.setenv("CHARTCODE_MODEL_URL", "http://127.0.0.1:1/v1/")
    monkeypatch.setenv("CHARTCODE_MODEL", "env-model")
    monkeypatch.setenv("CHARTCODE_API_KEY", "k")
    c = ModelConfig.from_env()
    assert (c.url, c.model, c.api_key) == ("http://127.0.0.1:1/v1", "env-model", "k")
    assert ModelConfig.from_env(model="flag").model == "flag"
