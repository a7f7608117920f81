import asyncio

from aiohttp.test_utils import TestClient, TestServer

from bot.metrics import Metrics
from bot.web import SECRET_HEADER, create_app

SECRET = "s3cret-token_1"
UPDATE = {"update_id": 10, "message": {"message_id": 3, "chat": {"id": 42}, "text": "hi"}}


def run(store, scenario, **kwargs):
    async def main():
        metrics = Metrics("9.9.9")
        app = create_app(store, metrics, secret=SECRET, version="9.9.9", **kwargs)
        async with TestClient(TestServer(app)) as client:
            return await scenario(client), metrics

    return asyncio.run(main())


def test_webhook_with_the_right_secret_answers_with_a_method(fake_store):
    async def scenario(client):
        response = await client.post("/webhook", json=UPDATE, headers={SECRET_HEADER: SECRET})
        return response.status, await response.json()

    (status, body), metrics = run(fake_store, scenario)
    assert status == 200
    assert body == {"method": "sendMessage", "chat_id": 42, "text": "Noted (#1).", "reply_to_message_id": 3}
    assert fake_store.messages == [(42, "hi")]
    assert metrics.updates == {"handled": 1}


def test_webhook_refuses_a_missing_or_wrong_secret(fake_store):
    async def scenario(client):
        statuses = []
        for headers in ({}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: SECRET + "x"}, {SECRET_HEADER: ""}):
            response = await client.post("/webhook", json=UPDATE, headers=headers)
            statuses.append(response.status)
        return statuses

    statuses, metrics = run(fake_store, scenario)
    assert statuses == [401, 401, 401, 401]
    assert fake_store.messages == []
    assert metrics.updates == {"rejected": 4}


def test_webhook_rejects_bad_json(fake_store):
    async def scenario(client):
        response = await client.post("/webhook", data=b"{not json", headers={SECRET_HEADER: SECRET})
        return response.status

    status, _ = run(fake_store, scenario)
    assert status == 400


def test_a_failing_update_gets_a_5xx_so_telegram_redelivers_it(fake_store):
    fake_store.fail = True

    async def scenario(client):
        response = await client.post("/webhook", json=UPDATE, headers={SECRET_HEADER: SECRET})
        return response.status

    status, metrics = run(fake_store, scenario)
    assert status == 500
    assert metrics.updates == {"error": 1}
    assert metrics.requests == {"500": 1}


def test_health_reports_each_dependency(fake_store):
    async def scenario(client):
        ok = await client.get("/health")
        fake_store.healthy = False
        bad = await client.get("/health")
        return ok.status, await ok.json(), bad.status, await bad.json()

    (ok_status, ok_body, bad_status, bad_body), _ = run(fake_store, scenario)
    assert (ok_status, ok_body["status"], ok_body["version"]) == (200, "ok", "9.9.9")
    assert (bad_status, bad_body["status"]) == (503, "degraded")
    assert bad_body["checks"]["postgres"].startswith("error")


def test_metrics_count_requests_in_prometheus_text_format(fake_store):
    async def scenario(client):
        await client.get("/")
        await client.get("/")
        await client.post("/webhook", json=UPDATE, headers={SECRET_HEADER: "nope"})
        response = await client.get("/metrics")
        return response.headers["Content-Type"], await response.text()

    (content_type, text), _ = run(fake_store, scenario)
    assert content_type.startswith("text/plain")
    lines = text.splitlines()
    assert 'http_requests_total{code="200"} 2' in lines
    assert 'http_requests_total{code="401"} 1' in lines
    assert 'http_request_duration_seconds_count 3' in lines
    assert 'http_request_duration_seconds_bucket{le="+Inf"} 3' in lines
    assert 'bot_info{version="9.9.9"} 1' in lines


def test_metrics_export_the_last_dependency_check_as_postgres_up_and_redis_up(fake_store):
    async def scenario(client):
        healthy = await (await client.get("/metrics")).text()
        fake_store.healthy = False  # the fake's Postgres fails its checks from now on
        down = await (await client.get("/metrics")).text()
        return healthy.splitlines(), down.splitlines()

    (healthy, down), metrics = run(fake_store, scenario)
    assert ["postgres_up 1", "redis_up 1"] == [l for l in healthy if l.endswith(("_up 1", "_up 0"))]
    assert ["postgres_up 0", "redis_up 1"] == [l for l in down if l.endswith(("_up 1", "_up 0"))]
    assert "# TYPE postgres_up gauge" in down
    assert metrics.dependencies == {"postgres": False, "redis": True}


def test_health_updates_the_gauges_too(fake_store):
    fake_store.healthy = False

    async def scenario(client):
        return (await client.get("/health")).status

    status, metrics = run(fake_store, scenario)
    assert status == 503
    assert 'postgres_up 0' in metrics.render().splitlines()


def test_polling_mode_serves_no_webhook(fake_store):
    async def scenario(client):
        return (await client.post("/webhook", json=UPDATE, headers={SECRET_HEADER: SECRET})).status

    status, _ = run(fake_store, scenario, webhook_route=False)
    assert status == 405 or status == 404
    assert fake_store.messages == []
