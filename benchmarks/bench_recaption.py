"""How much do concurrent recaption calls save? 12 shots vs 1 against a loopback OpenAI-protocol
server that answers every request after a fixed 200 ms, like a remote model's latency.

Serial calls would make the ratio ~12; bounded concurrency should keep it at or under 3.
The last line is exactly `recaption_12_vs_1: <ratio>`.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agents.heuristics import plan_brief
from agents.llm import LLMClient, LLMConfig, RunLedger
from agents.llm_recaptioner import LLMRecaptioner, recaption_many

LATENCY_S = 0.2
CONCURRENCY = 12
ANSWER = json.dumps(
    {
        "prompt": "A wide shot of a grey harbour at dawn, rain dimpling the water, a tall woman in a "
        "yellow raincoat walking along the wet stone quay.",
        "avoid": "",
    }
)
BRIEF = (
    "Mara walks along the harbour at dawn. Rain falls. She finds a bottle. She throws it into the sea. "
    "The bottle shatters. Mara smiles. Tomas runs towards her. They laugh. The sun breaks through. "
    "Gulls circle. A boat leaves. Mara waves goodbye. The harbour empties. Night falls."
)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        time.sleep(LATENCY_S)
        body = json.dumps(
            {
                "id": "bench",
                "object": "chat.completion",
                "created": 0,
                "model": "bench",
                "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": ANSWER}, "finish_reason": "stop"}
                ],
                "usage": {"prompt_tokens": 100, "completion_tokens": 30, "total_tokens": 130},
            }
        ).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main() -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    plan = plan_brief(BRIEF, duration_s=60, title_card=False)
    shots = (plan.shots * 12)[:12]
    ledger = RunLedger()
    client = LLMClient(LLMConfig(base_url=url, model="bench", concurrency=CONCURRENCY), ledger)
    agent = LLMRecaptioner(client)
    recaption_many(agent, plan, "wan", concurrency=1, shots=shots[:1])  # warm the connection pool
    start = time.perf_counter()
    recaption_many(agent, plan, "wan", concurrency=1, shots=shots[:1])
    one = time.perf_counter() - start
    start = time.perf_counter()
    specs = recaption_many(agent, plan, "wan", concurrency=CONCURRENCY, shots=shots)
    twelve = time.perf_counter() - start
    httpd.shutdown()
    assert len(specs) == 12 and not ledger.warnings, ledger.warnings
    print(f"1 shot: {one:.3f}s, 12 shots (concurrency {CONCURRENCY}): {twelve:.3f}s, {ledger.calls} calls")
    print(f"recaption_12_vs_1: {twelve / one:.2f}")


if __name__ == "__main__":
    main()
