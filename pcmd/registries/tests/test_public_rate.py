"""Abuse limits of the public tip page: floods from one address and from everybody, guessed
receipt codes, guessed challenges; the counters themselves (keys that hide the address,
concurrent-safe counting, pruning)."""

import contextlib
import datetime as dt
import threading

import pytest
from django.test import Client
from django.utils import timezone

from pcmd.registries.models import PublicRateCounter, Tip, TipMessage
from pcmd.registries.services.public import (
    SUBMIT,
    RateLimited,
    address_key,
    rate_hit,
    rate_prune,
)
from pcmd.registries.tests.factories_public import (
    challenge_from,
    make_public_tip,
    post_tip,
    tip_fields,
)

pytestmark = pytest.mark.django_db


def test_a_flood_from_one_address_is_refused_with_429_and_the_text_kept(tree, settings):
    settings.PCMD_TIP_RATE_PER_ADDRESS = 2
    client = Client(REMOTE_ADDR="192.0.2.10")
    for _ in range(2):
        assert post_tip(client, tree["ht"]).status_code == 302
    typed = "Lần thứ ba: quán massage Thiên Đường."
    refused = post_tip(client, tree["ht"], content=typed)
    page = refused.content.decode()
    assert refused.status_code == 429
    assert "quá nhiều yêu cầu từ mạng của bạn" in page
    assert typed in page
    assert int(refused["Retry-After"]) > 0
    assert Tip.objects.count() == 2
    # Someone else is not held back by that address.
    assert post_tip(Client(REMOTE_ADDR="192.0.2.11"), tree["ht"]).status_code == 302


def test_the_global_limit_holds_across_addresses(tree, settings):
    settings.PCMD_TIP_RATE_GLOBAL = 2
    for n in range(2):
        assert post_tip(Client(REMOTE_ADDR=f"192.0.2.{20 + n}"), tree["ht"]).status_code == 302
    refused = post_tip(Client(REMOTE_ADDR="192.0.2.30"), tree["ht"])
    assert refused.status_code == 429
    assert "Hệ thống đang nhận quá nhiều yêu cầu" in refused.content.decode()
    assert Tip.objects.count() == 2


def test_ipv6_addresses_of_one_subscriber_share_a_budget(tree, settings):
    settings.PCMD_TIP_RATE_PER_ADDRESS = 1
    assert post_tip(Client(REMOTE_ADDR="2001:db8:1:2::1"), tree["ht"]).status_code == 302
    assert post_tip(Client(REMOTE_ADDR="2001:db8:1:2::ff"), tree["ht"]).status_code == 429


def test_a_forwarded_header_is_ignored_unless_a_setting_trusts_it(tree, settings):
    settings.PCMD_TIP_RATE_PER_ADDRESS = 1
    client = Client(REMOTE_ADDR="192.0.2.40", HTTP_X_FORWARDED_FOR="10.0.0.1")
    assert post_tip(client, tree["ht"]).status_code == 302
    # A client cannot get a fresh budget by inventing a header.
    spoofed = Client(REMOTE_ADDR="192.0.2.40", HTTP_X_FORWARDED_FOR="10.0.0.2")
    assert post_tip(spoofed, tree["ht"]).status_code == 429
    settings.PCMD_CLIENT_ADDRESS_HEADER = "X-Forwarded-For"
    proxied = Client(REMOTE_ADDR="192.0.2.40", HTTP_X_FORWARDED_FOR="spoof, 192.0.2.41")
    assert post_tip(proxied, tree["ht"]).status_code == 302


def test_guessing_receipt_codes_is_limited(tree, settings):
    settings.PCMD_TIP_LOOKUP_RATE_PER_ADDRESS = 3
    _tip, code = make_public_tip(tree["ht"])
    guesser = Client(REMOTE_ADDR="192.0.2.50")
    for guess in range(3):
        answer = guesser.post("/tin-bao/tra-cuu/", {"code": f"{guess:020d}"})
        assert answer.status_code == 404
    # Over the limit even the right code is refused: the refusal reveals nothing.
    blocked = guesser.post("/tin-bao/tra-cuu/", {"code": code})
    assert blocked.status_code == 429
    assert "quá nhiều yêu cầu" in blocked.content.decode()
    assert "tip-status" not in guesser.get("/tin-bao/tra-cuu/").content.decode()
    owner = Client(REMOTE_ADDR="192.0.2.51")
    assert owner.post("/tin-bao/tra-cuu/", {"code": code}).status_code == 302


def test_additions_are_limited_per_address(tree, settings):
    settings.PCMD_TIP_RATE_PER_ADDRESS = 1
    _tip, code = make_public_tip(tree["ht"], address="192.0.2.99")
    client = Client(REMOTE_ADDR="192.0.2.60")
    client.post("/tin-bao/tra-cuu/", {"code": code})
    assert client.post("/tin-bao/tra-cuu/bo-sung/", {"text": "Một"}).status_code == 302
    refused = client.post("/tin-bao/tra-cuu/bo-sung/", {"text": "Hai là quá"})
    assert refused.status_code == 429 and "Hai là quá" in refused.content.decode()
    assert TipMessage.objects.count() == 1


def test_guessing_the_challenge_is_limited(tree, settings):
    settings.PCMD_TIP_CHALLENGE_FAILURES_PER_ADDRESS = 2
    client = Client(REMOTE_ADDR="192.0.2.70")
    statuses = []
    for _ in range(3):
        token, right = challenge_from(client.get("/tin-bao/").content.decode())
        data = tip_fields(tree["ht"], challenge=token, answer=str(right + 50))
        statuses.append(client.post("/tin-bao/", data).status_code)
    assert statuses == [400, 400, 429]


def test_an_expired_challenge_is_refused(tree, monkeypatch):
    client = Client(REMOTE_ADDR="192.0.2.80")
    token, right = challenge_from(client.get("/tin-bao/").content.decode())
    later = timezone.now().timestamp() + 31 * 60
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    answer = client.post("/tin-bao/", tip_fields(tree["ht"], challenge=token, answer=str(right)))
    assert answer.status_code == 400
    assert "đã hết hạn" in answer.content.decode()


# ---- the counters -----------------------------------------------------------------------


def test_counter_keys_hide_the_address_and_change_every_day():
    today = timezone.now()
    key = address_key("submit", "192.0.2.1", today)
    assert len(key) == 64 and "192.0.2" not in key
    assert key != address_key("submit", "192.0.2.1", today + dt.timedelta(days=1))
    assert key != address_key("lookup", "192.0.2.1", today)


def test_counting_past_the_limit_raises_and_old_windows_are_pruned(settings):
    settings.PCMD_TIP_RATE_PER_ADDRESS = 2
    now = timezone.now()
    rate_hit(SUBMIT, "192.0.2.90", now)
    rate_hit(SUBMIT, "192.0.2.90", now)
    with pytest.raises(RateLimited):
        rate_hit(SUBMIT, "192.0.2.90", now)
    assert PublicRateCounter.objects.get(key=address_key("submit", "192.0.2.90", now)).count == 3
    assert PublicRateCounter.objects.get(key="*submit").count == 2

    # The first request of a later hour clears windows nobody reads any more.
    rate_hit(SUBMIT, "192.0.2.91", now + dt.timedelta(hours=3))
    assert not PublicRateCounter.objects.filter(window__lt=now - dt.timedelta(hours=1)).exists()
    assert PublicRateCounter.objects.filter(key="*submit").count() == 1
    assert rate_prune(now + dt.timedelta(days=1)) > 0
    assert not PublicRateCounter.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_are_all_counted():
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections

    if connection.vendor == "sqlite":
        pytest.skip("the in-memory test database serialises threads; PostgreSQL shows races")
    now = timezone.now()
    start = threading.Barrier(8)

    def one(_: int) -> None:
        try:
            start.wait()
            with contextlib.suppress(RateLimited):
                rate_hit(SUBMIT, "192.0.2.200", now)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(one, range(8)))
    counter = PublicRateCounter.objects.get(key=address_key("submit", "192.0.2.200", now))
    assert counter.count == 8
    # Only the requests the address was still allowed reached the shared budget.
    assert PublicRateCounter.objects.get(key="*submit").count == 5
