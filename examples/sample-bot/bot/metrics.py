"""Prometheus text-format metrics, without a client library.

The names are the ones prometheus_client and most exporters use, so the ready-made checks of
tg-devops' verify action work unchanged: http_requests_total{code}, http_request_duration_seconds.
postgres_up and redis_up are the bot's own view of its dependencies (monitoring/rules.yml pages on
them, and the deploy's verify gate judges them per release): 1 when the last check succeeded.
"""

from __future__ import annotations

from collections import Counter

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    def __init__(self, version: str):
        self.version = version
        self.requests: Counter[str] = Counter()
        self.updates: Counter[str] = Counter()
        self.bucket_counts = [0] * len(BUCKETS)
        self.duration_sum = 0.0
        self.duration_count = 0
        self.dependencies: dict[str, bool] = {}

    def observe_request(self, code: int, seconds: float) -> None:
        self.requests[str(code)] += 1
        self.duration_sum += seconds
        self.duration_count += 1
        for i, le in enumerate(BUCKETS):
            if seconds <= le:
                self.bucket_counts[i] += 1

    def observe_update(self, outcome: str) -> None:
        self.updates[outcome] += 1

    def observe_dependencies(self, checks: dict[str, str]) -> None:
        """A check's outcome per dependency ("ok" or the error), as Storage.check reports it."""
        for name, result in checks.items():
            self.dependencies[name] = result == "ok"

    def render(self) -> str:
        version = self.version.replace("\\", "\\\\").replace('"', '\\"')
        lines = [
            "# HELP bot_info The running version.",
            "# TYPE bot_info gauge",
            f'bot_info{{version="{version}"}} 1',
            "# HELP http_requests_total HTTP requests by status code.",
            "# TYPE http_requests_total counter",
        ]
        lines += [f'http_requests_total{{code="{code}"}} {n}' for code, n in sorted(self.requests.items())]
        lines += [
            "# HELP http_request_duration_seconds HTTP request latency.",
            "# TYPE http_request_duration_seconds histogram",
        ]
        lines += [f'http_request_duration_seconds_bucket{{le="{le}"}} {n}' for le, n in zip(BUCKETS, self.bucket_counts)]
        lines += [
            f'http_request_duration_seconds_bucket{{le="+Inf"}} {self.duration_count}',
            f"http_request_duration_seconds_sum {self.duration_sum:.6f}",
            f"http_request_duration_seconds_count {self.duration_count}",
            "# HELP telegram_updates_total Updates handled, by outcome.",
            "# TYPE telegram_updates_total counter",
        ]
        lines += [f'telegram_updates_total{{outcome="{o}"}} {n}' for o, n in sorted(self.updates.items())]
        for name, up in sorted(self.dependencies.items()):
            lines += [
                f"# HELP {name}_up 1 when the bot's last check of its {name} connection succeeded.",
                f"# TYPE {name}_up gauge",
                f"{name}_up {int(up)}",
            ]
        return "\n".join(lines) + "\n"
