"""The playground page (web/) driven in headless Chromium against the local gateway.

Everything runs offline: no provider keys, so every answer is labelled ``provider: "offline"``.
Each test leaves a screenshot in artifacts/playground/ (git-ignored).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Request, Response, expect, sync_playwright

from tests.e2e.playground_helpers import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    large_jpeg,
    room_jpeg,
)

pytestmark = pytest.mark.browser


TIMEOUT_MS = 30_000  # one bounded wait for anything the API does (jobs included)
expect.set_options(timeout=TIMEOUT_MS)
IMAGES_LOADED = """
    (selector) => {
        const images = [...document.querySelectorAll(selector)];
        return images.length > 0 && images.every((img) => img.complete && img.naturalWidth > 0);
    }
"""


# ───────────────────────────── fixtures ─────────────────────────────


@pytest.fixture(scope="session")
def playground_url(gateway: Any) -> str:
    """The page and the API share one origin: the e2e suite's gateway (tests/e2e/conftest.py)."""
    return str(gateway.url).rstrip("/")


# Module scope: Playwright's sync API keeps an event loop running in this thread until it stops, and
# a later test file on the same worker that calls asyncio.run() would fail.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: run scripts/install-browser.sh")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, playground_url: str) -> Iterator[Page]:
    """A fresh browser profile (no stored identity) on the playground, with its console watched."""
    context = browser.new_context(
        viewport={"width": 1360, "height": 900}, base_url=playground_url, locale="en-US"
    )
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    tab.on(
        "console",
        lambda message: (
            problems.append(f"console {message.type}: {message.text}") if message.type == "error" else None
        ),
    )
    _console[id(tab)] = problems
    yield tab
    context.close()
    _console.pop(id(tab), None)
    assert not problems, problems


_console: dict[int, list[str]] = {}


def expect_console_errors(page: Page, pattern: str) -> None:
    """Forgive console errors this test provokes on purpose (the browser logs failed requests)."""
    problems = _console[id(page)]
    problems[:] = [p for p in problems if not re.search(pattern, p)]


def open_playground(page: Page, tab: str) -> None:
    page.goto(f"/#{tab}")
    expect(page.locator("body")).to_have_attribute("data-loaded", "true")
    expect(page.locator(f"#tab-{tab}")).to_have_attribute("aria-selected", "true")


def screenshot(page: Page, name: str, *, whole_chat: bool = False) -> Path:
    """A full-page screenshot from the top (``whole_chat``: the conversation unscrolled, for review)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    if whole_chat:
        page.evaluate("() => document.getElementById('chat-log').style.setProperty('max-block-size', 'none')")
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(path), full_page=True)
    if whole_chat:
        page.evaluate("() => document.getElementById('chat-log').style.removeProperty('max-block-size')")
    return path


def wait_images_loaded(page: Page, selector: str) -> None:
    page.wait_for_function(IMAGES_LOADED, arg=selector, timeout=TIMEOUT_MS)


def stored_owner(page: Page) -> str:
    owner = page.evaluate("() => localStorage.getItem('shatably.owner')")
    assert isinstance(owner, str), owner
    assert owner.startswith("anon-"), owner
    return owner


def sent_json(request: Request) -> dict[str, Any]:
    body = request.post_data_json
    assert isinstance(body, dict), body
    return body


def api_get(page: Page, path: str) -> Any:
    """GET from inside the page, as the page's owner."""
    return page.evaluate(
        """async (path) => {
            const owner = localStorage.getItem('shatably.owner');
            const response = await fetch(path, {headers: {'X-Owner-Id': owner}});
            return {status: response.status, body: await response.json()};
        }""",
        path,
    )


# ───────────────────────────── the page itself ─────────────────────────────


def test_every_module_is_served_as_javascript(page: Page) -> None:
    """The page is ES modules without a build step: each file in web/js/ is loaded, as JavaScript."""
    responses: list[Response] = []
    page.on("response", lambda r: responses.append(r) if "/js/" in r.url else None)
    open_playground(page, "chat")
    served = {r.url.rsplit("/js/", 1)[1]: r for r in responses}
    modules = sorted(p.name for p in (ROOT / "web" / "js").glob("*.js"))
    assert sorted(served) == modules  # every module is reached from js/app.js, none is left over
    for name, response in served.items():
        assert response.status == 200, name
        assert response.headers["content-type"] == "text/javascript; charset=utf-8", name


# ───────────────────────────── (a) chat ─────────────────────────────


def test_chat_turn_with_photo_plan_and_arabic(page: Page, tmp_path: Path) -> None:
    photo = room_jpeg(tmp_path / "room.jpg")
    open_playground(page, "chat")
    requests_seen: list[Request] = []
    page.on("request", lambda r: requests_seen.append(r) if r.url.endswith("/chat") else None)

    page.set_input_files("#chat-photos", str(photo))
    expect(page.locator("#chat-previews img")).to_have_count(1)
    page.fill("#chat-message", "I want a modern living room, 4x5 m, warm colours, budget 150k EGP. Show me")
    page.click("#chat-send")

    turn = page.locator("#chat-log .turn").first
    reply = turn.locator(".msg.designer .reply")
    expect(reply).to_be_visible()
    expect(reply).not_to_be_empty()
    expect(page.locator("#provider-name")).to_have_text("offline")
    expect(page.locator("#chat-session")).not_to_have_text("new")
    # The photo went up and came back as a stored attachment.
    wait_images_loaded(page, "#chat-log .turn .msg.user img")
    expect(page.locator("#chat-previews img")).to_have_count(0)
    # "Show me": the designer drew the idea over the photo.
    wait_images_loaded(page, "#chat-log .turn .drawn img")

    plan = turn.locator(".plan")
    expect(plan).to_be_visible()
    swatches = plan.locator(".swatch")
    expect(swatches.first).to_be_visible()
    assert swatches.count() >= 3
    first_hex = swatches.first.locator(".swatch-hex").inner_text().strip()
    assert re.fullmatch(r"#[0-9A-F]{6}", first_hex), first_hex
    chip_colour = swatches.first.locator(".chip").evaluate("el => getComputedStyle(el).backgroundColor")
    red, green, blue = (int(first_hex[i : i + 2], 16) for i in (1, 3, 5))
    assert chip_colour == f"rgb({red}, {green}, {blue})", chip_colour
    expect(plan.locator(".swatch-name").first).not_to_be_empty()
    expect(plan.locator(".fact.cost dd")).to_contain_text("EGP")
    expect(plan.locator("table").first).to_be_visible()  # materials
    assert plan.locator("tbody tr").count() >= 6  # materials, furniture and quantities rows

    # An Arabic message: rendered right to left, and so is the Arabic reply.
    page.fill("#chat-message", "عايز أوضة نوم مودرن ٣×٤ متر بألوان هادية")
    page.click("#chat-send")
    expect(page.locator("#chat-log .turn")).to_have_count(2)
    second = page.locator("#chat-log .turn").nth(1)
    expect(second.locator(".msg.designer .reply")).to_be_visible()
    user_bubble = second.locator(".msg.user .bubble")
    assert user_bubble.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert second.locator(".reply").evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert second.locator(".plan").evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert plan.evaluate("el => getComputedStyle(el).direction") == "ltr"

    # Identity: the first answer issued an owner id; the page sent it back on the next request.
    owner = stored_owner(page)
    assert len(requests_seen) == 2
    assert requests_seen[1].headers.get("x-owner-id") == owner
    session = page.locator("#chat-session").inner_text()
    assert sent_json(requests_seen[1])["session_id"] == session

    # History from GET /chat/sessions/{id}, after a reload (identity and session kept in the browser).
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-loaded", "true")
    expect(page.locator("#chat-log .turn")).to_have_count(2)
    page.click("#chat-history")
    expect(page.locator("#chat-log .turn")).to_have_count(2)
    expect(page.locator("#chat-log .turn .plan").first).to_be_visible()
    wait_images_loaded(page, "#chat-log .turn .msg.user img")
    screenshot(page, "chat", whole_chat=True)

    # The same conversation with the interface in Arabic.
    page.click("#lang-toggle")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#tab-chat")).to_have_text("المحادثة")
    wait_images_loaded(page, "#chat-log .turn .msg.user img")
    screenshot(page, "chat-ar", whole_chat=True)

    # A drawing opens in Edit, compared with the photo it was drawn from.
    attachment_id = page.locator("#chat-log .turn .msg.user img").first.get_attribute("data-image-id")
    drawing_id = page.locator("#chat-log .turn .drawn figure").first.get_attribute("data-image-id")
    page.locator("#chat-log .turn .drawn .fig-actions button").first.click()
    expect(page.locator("#tab-edit")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#compare")).to_be_visible()
    wait_images_loaded(page, "#compare img")
    assert (compare_state(page)["before"], compare_state(page)["after"]) == (attachment_id, drawing_id)
    expect(page.locator("#edit-chain .chain-step")).to_have_count(2)
    page.click("#tab-chat")

    # A new conversation starts empty.
    page.click("#chat-new")
    expect(page.locator("#chat-log .turn")).to_have_count(0)


def chat_turn(page: Page, message: str) -> dict[str, Any]:
    """Send one chat message and return the API's answer once the turn is on screen."""
    turns = page.locator("#chat-log .turn")
    before = turns.count()
    page.fill("#chat-message", message)
    with page.expect_response(lambda r: r.url.endswith("/chat")) as answer:
        page.click("#chat-send")
    body: dict[str, Any] = answer.value.json()
    assert answer.value.status == 200, body
    expect(turns).to_have_count(before + 1)
    expect(turns.nth(before).locator(".msg.designer .reply")).to_be_visible()
    return body


def test_chat_plan_shows_rooms_estimate_budget_and_changes(page: Page) -> None:
    """The designer's plan in the chat: the rooms and their finishes, the estimate computed from them
    (every line, the total, the price book, the budget verdict), and what an amendment changed."""
    open_playground(page, "chat")
    first = chat_turn(page, "My living room is 5x4 m, plastered, I want porcelain 60x120, budget 20k EGP")
    plan = page.locator("#chat-log .turn").nth(0).locator(".plan")
    [room] = first["plan"]["rooms"]
    assert (room["length_m"], room["width_m"]) == (5, 4) and first["plan"]["budget_egp"] == 20_000

    # The rooms table: the user's room, its size and a finish per surface (the usual where none was said).
    rows = plan.locator(".plan-rooms tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td")).to_have_text(
        [room["name"], "5 × 4 m", "usual for the room", "porcelain 60×120", "usual for the room"]
    )
    expect(plan.locator(".fact", has_text="Flat state").locator("dd")).to_have_text("Plastered")
    expect(plan.locator(".fact", has_text="Budget").locator("dd")).to_have_text(egp(20_000, 20_000))

    # The estimate: every line of the bill, the total, the price book; 20k is too little for it.
    estimate = first["plan"]["estimate"]
    lines = plan.locator(".estimate .bill-line")
    expect(lines).to_have_count(len(estimate["items"]))
    tiles = next(item for item in estimate["items"] if item["key"] == "floor_tile_boxes")
    expect(plan.locator('.bill-line[data-key="floor_tile_boxes"] .line-total')).to_have_text(
        egp(tiles["total_egp"]["low"], tiles["total_egp"]["high"])
    )
    total = estimate["total_egp"]
    expect(plan.locator(".est-total dd")).to_have_text(egp(total["low"], total["high"]))
    expect(plan.locator(".fact.cost")).to_have_count(1)  # the total once, not again as a plan fact
    expect(plan.locator(".price-book")).to_contain_text(estimate["price_book"]["version"])
    budget = estimate["budget"]
    assert budget["fits"] is False and budget["gap_egp"] > 0
    verdict = plan.locator(".verdict")
    expect(verdict).to_have_attribute("data-fits", "false")
    expect(verdict).to_contain_text(egp(budget["gap_egp"], budget["gap_egp"]))
    expect(verdict.locator(".substitutions li")).to_have_count(len(budget["substitutions"]))
    expect(plan.locator("ul.assumptions li")).to_have_text(first["plan"]["assumptions"])
    expect(page.locator("#chat-log .turn").nth(0).locator(".changes")).to_have_count(0)  # a new plan

    # An amendment: only the floor changes, the turn says so, and the estimate follows.
    second = chat_turn(page, "change the floor to parquet")
    assert [(c["field"], c["room"]) for c in second["changes"]] == [("floor", room["name"])]
    turn = page.locator("#chat-log .turn").nth(1)
    expect(turn.locator(".changes li")).to_have_text([f"{room['name']} · Floor: porcelain 60×120 → parquet"])
    amended = turn.locator(".plan")
    expect(amended.locator(".plan-rooms tbody tr td").nth(3)).to_have_text("parquet")
    expect(amended.locator('.bill-line[data-key="parquet"]')).to_have_count(1)
    expect(amended.locator('.bill-line[data-key="floor_tile_boxes"]')).to_have_count(0)
    total = second["plan"]["estimate"]["total_egp"]
    expect(amended.locator(".est-total dd")).to_have_text(egp(total["low"], total["high"]))
    screenshot(page, "chat-plan", whole_chat=True)

    # In Egyptian Arabic, with a budget that fits: an Arabic plan, right to left, Arabic labels.
    page.click("#chat-new")
    page.click("#lang-toggle")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    first = chat_turn(page, "الصالة 5 في 4 والشقة محارة، عايز بورسلين، والميزانية ١٥٠ ألف")
    plan = page.locator("#chat-log .turn").nth(0).locator(".plan")
    assert plan.evaluate("el => getComputedStyle(el).direction") == "rtl"
    [room] = first["plan"]["rooms"]
    assert room["name"] == "صالة" and first["plan"]["budget_egp"] == 150_000
    expect(plan.locator(".plan-rooms tbody tr td").first).to_have_text("صالة")
    expect(plan.locator(".plan-rooms thead th").nth(3)).to_have_text("الأرضية")
    expect(plan.locator(".estimate .bill-line")).to_have_count(len(first["plan"]["estimate"]["items"]))
    expect(plan.locator(".est-total dd")).to_contain_text("ج.م")
    assert first["plan"]["estimate"]["budget"]["fits"] is True
    expect(plan.locator(".verdict")).to_have_attribute("data-fits", "true")
    expect(plan.locator(".verdict")).to_contain_text("في حدود الميزانية")
    chat_turn(page, "خلي الأرضية باركيه")
    changes = page.locator("#chat-log .turn").nth(1).locator(".changes")
    assert changes.evaluate("el => getComputedStyle(el).direction") == "rtl"
    expect(changes.locator("li")).to_have_count(1)
    expect(changes.locator("li")).to_contain_text("صالة · الأرضية")
    expect(changes.locator("li")).to_contain_text("← باركيه")  # before ← after, read right to left
    screenshot(page, "chat-plan-ar", whole_chat=True)


# ───────────────────────────── (b) generate ─────────────────────────────


def test_generate_with_style_from_dropdown(page: Page) -> None:
    open_playground(page, "chat")
    page.focus("#tab-chat")  # the tabs follow the ARIA pattern: arrows move between them
    page.keyboard.press("ArrowRight")
    expect(page.locator("#tab-generate")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#tab-generate")).to_be_focused()
    expect(page.locator("#panel-generate")).to_be_visible()
    expect(page.locator("#panel-chat")).to_be_hidden()
    style = page.locator("#gen-style")
    expect(style.locator("option")).not_to_have_count(1)  # filled from GET /styles
    style_id = style.locator("option").nth(1).get_attribute("value")
    assert style_id
    style.select_option(style_id)
    expect(page.locator("#gen-style-preview .swatch").first).to_be_visible()
    room = page.locator("#gen-room")
    room_id = room.locator("option").nth(1).get_attribute("value")
    assert room_id
    room.select_option(room_id)
    page.select_option("#gen-size", "1536x1024")
    page.select_option("#gen-n", "2")
    page.select_option("#gen-format", "jpeg")
    page.fill("#gen-prompt", "A bright living room with a reading corner by the window")

    with page.expect_response(lambda r: r.url.endswith("/image/generate")) as answer:
        page.click("#gen-submit")
    body = answer.value.json()
    assert answer.value.status == 200, body
    assert body["provider"] == "offline"

    expect(page.locator("#gen-results img")).to_have_count(2)
    wait_images_loaded(page, "#gen-results img")
    widths = page.eval_on_selector_all("#gen-results img", "els => els.map(e => e.naturalWidth)")
    assert all(w > 0 for w in widths), widths
    expect(page.locator("#gen-results figcaption .meta").first).to_contain_text("1536×1024")
    screenshot(page, "generate")

    # Style names follow the page language.
    english = style.locator("option:checked").inner_text()
    page.click("#lang-toggle")
    expect(style.locator("option:checked")).not_to_have_text(english)
    assert re.search(r"[\u0600-\u06FF]", style.locator("option:checked").inner_text())
    screenshot(page, "generate-ar")

    # On a phone the form and the results stack in one column, with nothing wider than the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    wait_images_loaded(page, "#gen-results img")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    form_box = page.locator("#gen-form").bounding_box()
    results_box = page.locator("#gen-results").bounding_box()
    assert form_box and results_box
    assert results_box["y"] >= form_box["y"] + form_box["height"]
    screenshot(page, "generate-mobile")


# ───────────────────────────── (c) edit ─────────────────────────────


def compare_state(page: Page) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(
        """() => ({
            clip: getComputedStyle(document.getElementById('compare-after')).clipPath,
            divider: document.getElementById('compare-divider').style.left,
            before: document.getElementById('compare-before').dataset.imageId,
            after: document.getElementById('compare-after').dataset.imageId,
            sizes: ['compare-before', 'compare-after'].map((id) => {
                const r = document.getElementById(id).getBoundingClientRect();
                return [Math.round(r.width), Math.round(r.height)];
            }),
        })"""
    )
    return result


def test_edit_slider_and_chain(page: Page, tmp_path: Path) -> None:
    photo = room_jpeg(tmp_path / "room.jpg")
    open_playground(page, "edit")
    page.set_input_files("#edit-photo", str(photo))
    expect(page.locator("#edit-source-line")).to_contain_text("room.jpg")

    page.select_option("#edit-operation", "repaint")
    expect(page.locator("#edit-color")).to_be_visible()
    page.locator("#edit-color").fill("#9caf88")
    expect(page.locator("#region-walls")).to_be_checked()
    page.fill("#edit-prompt", "Paint the walls sage green; keep everything else")
    with page.expect_response(lambda r: r.url.endswith("/edit")) as answer:
        page.click("#edit-submit")
    first = answer.value.json()
    assert answer.value.status == 200, first
    assert sent_json(answer.value.request)["color"] == "#9CAF88"
    assert first["image"]["parent_id"] == first["source"]["id"]
    original_id, first_id = first["source"]["id"], first["image"]["id"]

    expect(page.locator("#compare")).to_be_visible()
    wait_images_loaded(page, "#compare img")
    before = compare_state(page)
    assert before["before"] == original_id
    assert before["after"] == first_id
    assert before["sizes"][0] == before["sizes"][1]  # both images fill the same box
    assert "50%" in before["clip"]

    page.locator("#compare-slider").fill("20")
    moved = compare_state(page)
    assert moved["clip"] != before["clip"]
    assert "20%" in moved["clip"], moved
    assert moved["divider"] == "20%"
    screenshot(page, "edit")

    # A second edit starts from the result.
    page.select_option("#edit-operation", "restyle")
    page.locator("#edit-style").select_option(index=2)
    page.fill("#edit-prompt", "Make it cosier")
    with page.expect_response(lambda r: r.url.endswith("/edit")) as answer:
        page.click("#edit-submit")
    second = answer.value.json()
    assert sent_json(answer.value.request)["image"] == {"image_id": first_id}
    assert second["image"]["parent_id"] == first_id
    second_id = second["image"]["id"]

    chain = page.locator("#edit-chain .chain-step")
    expect(chain).to_have_count(3)
    expect(page.locator(f'#edit-chain .chain-step[data-image-id="{second_id}"]')).to_have_attribute(
        "aria-current", "step"
    )
    expect(page.locator(f'#edit-chain .chain-step[data-image-id="{second_id}"]')).to_contain_text(
        first_id[:8]
    )
    wait_images_loaded(page, "#compare img")
    assert compare_state(page)["before"] == first_id

    lineage = api_get(page, f"/images/{second_id}")
    assert lineage["status"] == 200
    assert lineage["body"]["ancestors"] == [first_id, original_id]

    # Step back to the first result: it is compared with the original and becomes the source.
    page.click(f'#edit-chain .chain-step[data-image-id="{first_id}"]')
    expect(page.locator(f'#edit-chain .chain-step[data-image-id="{first_id}"]')).to_have_attribute(
        "aria-current", "step"
    )
    expect(page.locator("#edit-source-line")).to_contain_text(first_id)
    wait_images_loaded(page, "#compare img")
    stepped = compare_state(page)
    assert (stepped["before"], stepped["after"]) == (original_id, first_id)

    # ...and re-edit from it: a branch beside the second edit.
    page.select_option("#edit-operation", "declutter")
    page.fill("#edit-prompt", "Clear the clutter")
    with page.expect_response(lambda r: r.url.endswith("/edit")) as answer:
        page.click("#edit-submit")
    branch = answer.value.json()
    assert branch["image"]["parent_id"] == first_id
    expect(chain).to_have_count(4)
    wait_images_loaded(page, "#edit-chain img")
    wait_images_loaded(page, "#compare img")
    screenshot(page, "edit-chain")


def test_large_photo_goes_through_presigned_upload(page: Page, tmp_path: Path) -> None:
    photo = large_jpeg(tmp_path / "big-room.jpg")
    open_playground(page, "edit")
    responses: list[Response] = []
    page.on("response", lambda r: responses.append(r))
    page.set_input_files("#edit-photo", str(photo))
    expect(page.locator("#edit-source-line")).to_contain_text("big-room.jpg")
    page.select_option("#edit-operation", "stage")
    page.fill("#edit-prompt", "Stage this room with a sofa and a rug")
    with page.expect_response(lambda r: r.url.endswith("/edit")) as answer:
        page.click("#edit-submit")
    assert answer.value.status == 200, answer.value.text()

    ticket = next(r for r in responses if r.url.endswith("/uploads"))
    assert ticket.status == 201
    upload = ticket.json()
    to_bucket = [r for r in responses if r.request.method == "POST" and r.url.startswith(upload["url"])]
    assert len(to_bucket) == 1 and to_bucket[0].ok, [(r.url, r.status) for r in to_bucket]
    assert sent_json(answer.value.request)["image"] == {"upload_id": upload["upload_id"]}
    expect(page.locator("#compare")).to_be_visible()
    wait_images_loaded(page, "#compare img")
    screenshot(page, "edit-upload")


def test_problem_title_and_detail_are_shown(page: Page) -> None:
    open_playground(page, "edit")
    page.fill("#edit-image-id", "0123456789abcdef0123456789abcdef")
    page.click("#edit-load-id")
    problem = page.locator("#edit-problem")
    expect(problem).to_be_visible()
    expect(problem.locator(".problem-title")).not_to_be_empty()
    expect(problem).to_contain_text("404")
    expect(problem.locator(".problem-meta")).to_contain_text("code:")
    screenshot(page, "problem")
    expect_console_errors(page, r"status of 404")


# ───────────────────────────── (d) jobs ─────────────────────────────


def test_jobs_are_watched_to_success(page: Page) -> None:
    open_playground(page, "generate")
    page.fill("#gen-prompt", "A calm bedroom with linen curtains")
    with page.expect_response(lambda r: r.url.endswith("/image/generate")) as answer:
        page.click("#gen-job")
    assert answer.value.status == 202
    assert answer.value.request.headers.get("prefer") == "respond-async"
    accepted = answer.value.json()
    assert answer.value.headers["location"].endswith(f"/jobs/{accepted['job_id']}")
    expect(page.locator("#gen-notice")).to_be_visible()

    page.locator("#gen-notice button").click()
    expect(page.locator("#tab-jobs")).to_have_attribute("aria-selected", "true")
    card = page.locator(f'#job-list [data-job-id="{accepted["job_id"]}"]')
    expect(card).to_be_visible()
    expect(card).to_have_attribute("data-status", "succeeded", timeout=TIMEOUT_MS)
    expect(card.locator(".status")).to_have_text("succeeded")
    wait_images_loaded(page, f'#job-list [data-job-id="{accepted["job_id"]}"] img')
    expect(page.locator("#jobs-count")).to_be_hidden()
    # The finished job's images also land in Generate's results.
    expect(page.locator("#gen-results img")).to_have_count(1)

    # An edit job from the generated image: it joins the chain of edits when it is done.
    card.locator("button", has_text="Edit this").click()
    expect(page.locator("#tab-edit")).to_have_attribute("aria-selected", "true")
    page.select_option("#edit-operation", "repaint")
    page.fill("#edit-prompt", "Warm beige walls")
    with page.expect_response(lambda r: r.url.endswith("/edit")) as answer:
        page.click("#edit-job")
    assert answer.value.status == 202
    edit_job = answer.value.json()["job_id"]
    page.click("#tab-jobs")
    edit_card = page.locator(f'#job-list [data-job-id="{edit_job}"]')
    expect(edit_card).to_have_attribute("data-status", "succeeded", timeout=TIMEOUT_MS)
    wait_images_loaded(page, f'#job-list [data-job-id="{edit_job}"] img')
    screenshot(page, "jobs")
    page.click("#tab-edit")
    expect(page.locator("#edit-chain .chain-step")).to_have_count(2)
    wait_images_loaded(page, "#compare img")


# ───────────────────────────── (e) estimate ─────────────────────────────


def require_route(page: Page, method: str, path: str) -> None:
    """The route a screen drives is served (every branch is merged: a missing route is a failure,
    not a reason to skip the screen's test)."""
    spec = page.request.get("/openapi.json").json()
    assert method.lower() in spec.get("paths", {}).get(path, {}), f"{method} {path} is not served"


def egp(low: int, high: int) -> str:
    """The page's English money format (en-GB grouping), as a person reads it."""
    return f"EGP {low:,}" if low == high else f"EGP {low:,} – {high:,}"


def test_estimate_bill_budget_verdict_and_csv(page: Page) -> None:
    require_route(page, "POST", "/estimate")
    open_playground(page, "estimate")
    # The form starts with a 5×4 m reception in porcelain 60×120 and a 2×1.8 m tiled bathroom.
    expect(page.locator("#est-rooms .room-row")).to_have_count(2)
    page.select_option("#est-state", "plastered")
    page.fill("#est-budget", "20000")  # far too little for two rooms: the verdict must say so
    with page.expect_response(lambda r: r.url.endswith("/estimate")) as answer:
        page.click("#est-submit")
    bill = answer.value.json()
    assert answer.value.status == 200, bill
    sent = sent_json(answer.value.request)
    assert [room["name"] for room in sent["rooms"]] == ["Reception", "Bathroom"]
    assert sent["rooms"][0]["floor"] == {"type": "porcelain", "tile_cm": [60, 120]}
    assert sent["rooms"][1]["walls"] == "wall_tiles"
    assert sent["budget_egp"] == 20000 and sent["lang"] == "en"

    # Every line of the bill is on screen, under its room, with its total; and the total itself.
    lines = page.locator("#est-result .bill-line")
    expect(lines).to_have_count(len(bill["items"]))
    keys = set(lines.evaluate_all("rows => rows.map(r => r.dataset.key)"))
    assert {"floor_tiles", "wall_tiles"} <= keys, keys
    reception = page.locator('#est-result tbody[data-room="Reception"]')
    expect(reception.locator('.bill-line[data-key="floor_tiles"]')).to_be_visible()
    first = bill["items"][0]
    expect(page.locator(f'#est-result .bill-line[data-key="{first["key"]}"] .line-total').first).to_have_text(
        egp(first["total_egp"]["low"], first["total_egp"]["high"])
    )
    total = bill["total_egp"]
    expect(page.locator("#est-result .est-total dd")).to_have_text(egp(total["low"], total["high"]))

    # Over budget: by how much, and the computed substitutions.
    budget = bill["budget"]
    assert budget["fits"] is False and budget["gap_egp"] > 0
    verdict = page.locator("#est-result .verdict")
    expect(verdict).to_have_attribute("data-fits", "false")
    expect(verdict).to_contain_text(egp(budget["gap_egp"], budget["gap_egp"]))
    expect(verdict.locator(".substitutions li")).to_have_count(len(budget["substitutions"]))
    expect(page.locator("#est-result .schedule li")).to_have_count(len(bill["schedule"]["phases"]))
    expect(page.locator("#est-result .price-book")).to_contain_text(bill["price_book"]["version"])
    screenshot(page, "estimate")

    # The same bill as CSV, for Excel: UTF-8 with a BOM, one row per line item.
    with page.expect_download() as download:
        page.click("#est-csv")
    csv_bytes = Path(download.value.path()).read_bytes()
    assert csv_bytes.startswith(b"\xef\xbb\xbf")
    csv_text = csv_bytes.decode("utf-8-sig")
    assert all(item["name"] in csv_text for item in bill["items"])

    # An Arabic bill, in an Arabic interface: right to left, Arabic names, Arabic CSV.
    page.click("#lang-toggle")
    page.select_option("#est-lang", "ar")
    with page.expect_response(lambda r: r.url.endswith("/estimate")) as answer:
        page.click("#est-submit")
    arabic = answer.value.json()
    assert answer.value.status == 200, arabic
    result = page.locator("#est-result .estimate")
    assert result.evaluate("el => getComputedStyle(el).direction") == "rtl"
    expect(result.locator(".bill-name").first).to_have_text(arabic["items"][0]["name"])
    assert re.search(r"[\u0600-\u06FF]", arabic["items"][0]["name"])
    with page.expect_download() as download:
        page.click("#est-csv")
    arabic_csv = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    assert arabic["items"][0]["name"] in arabic_csv
    screenshot(page, "estimate-ar")


def test_room_types_offered_are_the_catalogues_estimable_ones(page: Page) -> None:
    """The rooms editor (Estimate and the new-project form) offers what GET /styles says the
    estimator prices, named in the page's language; facades and gardens are styled, not priced."""
    require_route(page, "POST", "/projects")
    open_playground(page, "projects")
    catalogue = api_get(page, "/styles")["body"]["room_types"]
    estimable = [r for r in catalogue if r["estimable"]]
    assert {r["id"] for r in catalogue} - {r["id"] for r in estimable} == {"facade", "garden"}

    for select in ("#proj-room-0-type", "#est-room-0-type"):
        options = page.locator(f"{select} option")
        expect(options).to_have_count(len(estimable))
        assert options.evaluate_all("os => os.map(o => o.value)") == [r["id"] for r in estimable]
        assert options.all_text_contents() == [r["name_en"] for r in estimable]
    expect(page.locator("#est-room-0-type")).to_have_value("reception")  # the form's first room kept

    page.click("#lang-toggle")
    options = page.locator("#est-room-0-type option")
    expect(options.first).to_have_text(estimable[0]["name_ar"])
    assert options.all_text_contents() == [r["name_ar"] for r in estimable]
    expect(page.locator("#est-room-0-type")).to_have_value("reception")


def test_estimate_by_flat_area_returns_rooms_to_correct(page: Page) -> None:
    require_route(page, "POST", "/estimate")
    open_playground(page, "estimate")
    page.check("#est-mode-area")
    expect(page.locator("#est-rooms")).to_be_hidden()
    page.fill("#est-area", "120")
    page.fill("#est-bedrooms", "3")
    page.select_option("#est-state", "bare")
    with page.expect_response(lambda r: r.url.endswith("/estimate")) as answer:
        page.click("#est-submit")
    bill = answer.value.json()
    assert answer.value.status == 200, bill
    assert "rooms" not in sent_json(answer.value.request)
    # On brick, the walls are plastered first.
    expect(page.locator('#est-result .bill-line[data-key="plaster"]').first).to_be_visible()
    # The generated split comes back as editable rooms.
    expect(page.locator("#est-rooms")).to_be_visible()
    expect(page.locator("#est-rooms .room-row")).to_have_count(len(bill["rooms"]))
    assert page.locator("#est-room-0-name").input_value() == bill["rooms"][0]["name"]

    # A mistake is a problem naming the field, shown as it came.
    page.fill("#est-room-0-length", "300")
    with page.expect_response(lambda r: r.url.endswith("/estimate")) as answer:
        page.click("#est-submit")
    assert answer.value.status == 422
    expect(page.locator("#est-problem")).to_be_visible()
    expect(page.locator("#est-problem .problem-errors")).to_contain_text("length_m")
    expect_console_errors(page, r"status of 422")


# ───────────────────────────── (f) projects, sidebar, gallery, erase ─────────────────────────────


def test_project_rooms_renders_estimate_and_export(page: Page) -> None:
    require_route(page, "POST", "/projects")
    open_playground(page, "projects")
    expect(page.locator("#side-projects .empty")).to_be_visible()
    page.fill("#proj-name", "شقة التجمع")
    page.fill("#proj-city", "New Cairo")
    page.fill("#proj-area", "120")
    page.fill("#proj-budget", "300000")
    page.fill("#proj-room-0-name", "Reception")
    page.select_option("#proj-room-0-type", "reception")
    page.fill("#proj-room-0-length", "300")  # a typo: refused, naming the field
    page.fill("#proj-room-0-width", "4")
    with page.expect_response(lambda r: r.url.endswith("/projects") and r.request.method == "POST") as answer:
        page.click("#proj-create")
    assert answer.value.status == 422
    expect(page.locator("#proj-problem .problem-errors")).to_contain_text("length_m")
    expect_console_errors(page, r"status of 422")
    page.fill("#proj-room-0-length", "5")
    page.select_option("#proj-room-0-floor", "porcelain:60x120")
    page.click("#proj-add-room")
    page.fill("#proj-room-1-name", "Bathroom")
    page.select_option("#proj-room-1-type", "bathroom")
    page.fill("#proj-room-1-length", "2")
    page.fill("#proj-room-1-width", "1.8")
    page.select_option("#proj-room-1-walls", "wall_tiles")
    with page.expect_response(lambda r: r.url.endswith("/projects") and r.request.method == "POST") as answer:
        page.click("#proj-create")
    created = answer.value.json()
    assert answer.value.status == 201, created
    sent = sent_json(answer.value.request)
    assert sent["rooms"][0] == {
        "name": "Reception",
        "type": "reception",
        "length_m": 5,
        "width_m": 4,
        "floor": {"type": "porcelain", "tile_cm": [60, 120]},
    }
    assert sent["rooms"][1]["walls"] == "wall_tiles" and sent["budget_egp"] == 300000
    project_id = created["project_id"]
    reception_id = created["rooms"][0]["id"]

    # The project page: its name right to left, its rooms with their sizes and finishes.
    expect(page.locator("#project-page")).to_be_visible()
    expect(page.locator("#project-name")).to_have_text("شقة التجمع")
    assert page.locator("#project-name").evaluate("el => getComputedStyle(el).direction") == "rtl"
    expect(page.locator(f'#side-projects [data-project-id="{project_id}"]')).to_contain_text("شقة التجمع")
    reception = page.locator(f'.room-card[data-room-id="{reception_id}"]')
    expect(page.locator(".room-card")).to_have_count(2)
    expect(reception.locator(".room-head")).to_contain_text("5 × 4")
    expect(reception.locator(".surfaces")).to_contain_text("porcelain 60×120")

    # Generate for the reception: the request is filed under the project and the room...
    reception.locator(".room-generate").click()
    expect(page.locator("#tab-generate")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#context-name")).to_contain_text("Reception")
    expect(page.locator("#gen-room")).to_have_value("reception")
    page.fill("#gen-prompt", "A warm modern reception with a porcelain floor")
    with page.expect_response(lambda r: r.url.endswith("/image/generate")) as answer:
        page.click("#gen-submit")
    assert answer.value.status == 200, answer.value.text()
    assert sent_json(answer.value.request)["project_id"] == project_id
    assert sent_json(answer.value.request)["room_id"] == reception_id
    render_id = answer.value.json()["images"][0]["id"]

    # Talk about the reception: a new conversation about that room; its plan joins the room.
    page.click(f'#side-projects [data-project-id="{project_id}"]')
    reception.locator(".room-chat").click()
    expect(page.locator("#tab-chat")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#chat-session")).to_have_text("new")
    page.fill("#chat-message", "A modern reception, warm colours, budget 150k EGP")
    with page.expect_response(lambda r: r.url.endswith("/chat")) as answer:
        page.click("#chat-send")
    assert answer.value.status == 200, answer.value.text()
    chat_body = sent_json(answer.value.request)
    assert (chat_body["project_id"], chat_body["room_id"]) == (project_id, reception_id)
    session = answer.value.json()["session_id"]
    expect(page.locator(f'#side-sessions [data-session-id="{session}"]')).to_be_visible()
    page.click("#context-clear")
    expect(page.locator("#context-bar")).to_be_hidden()

    # ...and shows on the project page under that room.
    page.click(f'#side-projects [data-project-id="{project_id}"]')
    reception.locator(".room-plan summary").click()  # the plan is folded, the room stays readable
    expect(reception.locator(".room-plan .plan")).to_be_visible()
    expect(reception.locator(f'.room-renders [data-image-id="{render_id}"]').first).to_be_visible()
    wait_images_loaded(page, ".room-renders img")
    detail = api_get(page, f"/projects/{project_id}")["body"]
    # Sized rooms and a state (the form's semi-finished): the project's estimate, with its budget verdict.
    assert detail["estimate"] is not None, detail.get("estimate_note")
    total = detail["estimate"]["total_egp"]
    expect(page.locator("#project-estimate .est-total dd")).to_have_text(egp(total["low"], total["high"]))
    expect(page.locator("#project-estimate .verdict")).to_be_visible()
    screenshot(page, "project")

    # "All its images": the gallery, filtered to the project.
    with page.expect_response(lambda r: "/images?" in r.url and project_id in r.url) as answer:
        page.click("#project-images")
    assert answer.value.json()["items"]
    expect(page.locator("#tab-gallery")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#gallery-project")).to_have_value(project_id)
    project_images = [item["id"] for item in answer.value.json()["items"]]
    assert render_id in project_images
    expect(page.locator("#gallery-grid figure")).to_have_count(len(project_images))
    page.click(f'#side-projects [data-project-id="{project_id}"]')

    # Export: a job whose link is a zip with the project and the render in it.
    with page.expect_response(lambda r: r.url.endswith("/export")) as answer:
        page.click("#project-export")
    assert answer.value.status == 202
    link = page.locator("#project-export-link")
    expect(link).to_be_visible()
    href = link.get_attribute("href")
    assert href
    archive = page.request.get(href)
    assert archive.status == 200
    with zipfile.ZipFile(io.BytesIO(archive.body())) as zipped:
        names = zipped.namelist()
        assert "project.json" in names
        assert any(name.startswith(f"images/{render_id}.") for name in names), names
        assert json.loads(zipped.read("project.json"))["name"] == "شقة التجمع"

    with page.expect_response(lambda r: f"/projects/{project_id}?lang=ar" in r.url) as answer:
        page.click("#lang-toggle")
    expect(page.locator("#tab-projects")).to_have_text("المشاريع")
    arabic = answer.value.json()
    first_line = arabic["estimate"]["items"][0]["name"]  # the estimate's lines in Arabic too
    assert re.search(r"[\u0600-\u06FF]", first_line)
    expect(page.locator("#project-estimate .bill-name").first).to_have_text(first_line)
    expect(reception.locator(".room-generate")).to_have_text("ولّد للأوضة دي")
    wait_images_loaded(page, ".room-renders img")
    screenshot(page, "project-ar")

    # Deleting the project (after a confirmation) takes it off the sidebar.
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#project-delete")
    expect(page.locator(f'#side-projects [data-project-id="{project_id}"]')).to_have_count(0)
    expect(page.locator("#proj-form")).to_be_visible()
    assert api_get(page, f"/projects/{project_id}")["status"] == 404
    expect_console_errors(page, r"status of 404")


def test_sidebar_conversations_gallery_filters_and_erase(page: Page) -> None:
    require_route(page, "GET", "/images")
    require_route(page, "DELETE", "/me")
    open_playground(page, "chat")
    page.fill("#chat-message", "I want a calm bedroom, 3x4 m, in light colours")
    page.click("#chat-send")
    expect(page.locator("#chat-log .turn .msg.designer .reply")).to_be_visible()
    session = page.locator("#chat-session").inner_text()
    conversation = page.locator(f'#side-sessions [data-session-id="{session}"]')
    expect(conversation).to_be_visible()
    expect(conversation.locator(".side-title")).not_to_be_empty()

    # A conversation opens from the sidebar.
    page.click("#chat-new")
    expect(page.locator("#chat-log .turn")).to_have_count(0)
    expect(conversation).not_to_have_attribute("aria-current", "true")
    conversation.click()
    expect(page.locator("#chat-session")).to_have_text(session)
    expect(conversation).to_have_attribute("aria-current", "true")
    expect(page.locator("#chat-log .turn")).to_have_count(1)

    # A generated image, and an edit of it.
    page.click("#tab-generate")
    page.fill("#gen-prompt", "A bright kitchen")
    with page.expect_response(lambda r: r.url.endswith("/image/generate")) as answer:
        page.click("#gen-submit")
    generated_id = answer.value.json()["images"][0]["id"]
    page.locator(f'#gen-results [data-image-id="{generated_id}"] .fig-actions button').first.click()
    page.select_option("#edit-operation", "declutter")
    page.fill("#edit-prompt", "Clear the counters")
    with page.expect_response(lambda r: r.url.endswith("/edit")) as answer:
        page.click("#edit-submit")
    edited_id = answer.value.json()["image"]["id"]

    # The gallery lists both, and its filters keep to what was asked.
    page.click("#tab-gallery")
    grid = page.locator("#gallery-grid figure")
    expect(page.locator(f'#gallery-grid [data-image-id="{generated_id}"]').first).to_be_visible()
    expect(page.locator(f'#gallery-grid [data-image-id="{edited_id}"]').first).to_be_visible()
    with page.expect_response(lambda r: "/images?" in r.url) as answer:
        page.select_option("#gallery-kind", "edited")
    assert "kind=edited" in answer.value.url
    expect(grid).to_have_count(1)
    expect(grid.first).to_have_attribute("data-image-id", edited_id)
    page.select_option("#gallery-kind", "generated")
    expect(grid.first).to_have_attribute("data-image-id", generated_id)
    expect(grid).to_have_count(1)
    page.select_option("#gallery-kind", "")
    expect(grid).to_have_count(2)
    wait_images_loaded(page, "#gallery-grid img")
    screenshot(page, "gallery")

    # Erase my data: nothing happens without the confirmation...
    page.click("#erase-open")
    expect(page.locator("#erase-dialog")).to_be_visible()
    screenshot(page, "erase-confirm")
    page.click("#erase-cancel")
    expect(page.locator("#erase-dialog")).to_be_hidden()
    assert api_get(page, f"/images/{edited_id}")["status"] == 200
    # ...and with it, everything goes: the lists are empty and the old ids are gone.
    page.click("#erase-open")
    with page.expect_response(lambda r: r.url.endswith("/me")) as answer:
        page.click("#erase-go")
    assert answer.value.status == 202 and answer.value.request.method == "DELETE"
    status = page.locator("#erase-status")
    expect(status).to_have_attribute("data-done", "true")
    expect(status).to_contain_text("conversations 1")
    expect(status).to_contain_text("images 2")
    expect(page.locator("#side-sessions .side-item")).to_have_count(0)
    expect(page.locator("#chat-log .turn")).to_have_count(0)
    page.click("#tab-gallery")
    expect(page.locator("#gallery-empty")).to_be_visible()
    expect(grid).to_have_count(0)
    for path in (f"/images/{generated_id}", f"/images/{edited_id}", f"/chat/sessions/{session}"):
        assert api_get(page, path)["status"] == 404, path
    screenshot(page, "erased")
    expect_console_errors(page, r"status of 404")


# ───────────────────────────── (g) every edit operation, style previews ─────────────────────────────

OPERATION_FIELDS: dict[str, str] = {  # what each operation asks for besides the prompt
    "restyle": "Make it calm and bright",
    "repaint": "Paint the walls",
    "declutter": "Clear the clutter",
    "stage": "Furnish it",
    "swap_material": "Change the floor",
    "finish": "Show it finished",
    "empty": "Take everything out",
    "reference": "Make it look like the inspiration",
    "render": "Make this sketch a photo",
}


def test_every_edit_operation_has_before_and_after(page: Page, tmp_path: Path) -> None:
    require_route(page, "GET", "/styles/{style_id}/preview")
    photo = room_jpeg(tmp_path / "room.jpg")
    inspiration = room_jpeg(tmp_path / "inspiration.jpg", seed=11)
    open_playground(page, "edit")
    options = page.locator("#edit-operation option").evaluate_all("els => els.map(e => e.value)")
    assert options == list(OPERATION_FIELDS)

    # The style picker: every style with its preview image, in step with the select.
    styles = api_get(page, "/styles")["body"]["styles"]
    cards = page.locator("#edit-style-picker .style-card")
    expect(cards).to_have_count(len(styles) + 1)  # and "keep / none"
    wait_images_loaded(page, "#edit-style-picker img")
    chosen = styles[3]["id"]
    page.click(f'#edit-style-picker [data-style-id="{chosen}"]')
    expect(page.locator("#edit-style")).to_have_value(chosen)
    expect(page.locator(f'#edit-style-picker [data-style-id="{chosen}"]')).to_have_attribute(
        "aria-checked", "true"
    )
    page.select_option("#edit-style", "")
    expect(page.locator('#edit-style-picker [data-style-id=""]')).to_have_attribute("aria-checked", "true")

    page.set_input_files("#edit-photo", str(photo))
    original_id = ""
    results = 0
    for operation, prompt in OPERATION_FIELDS.items():
        if original_id:  # every operation starts from the original photo
            page.click(f'#edit-chain .chain-step[data-image-id="{original_id}"]')
        page.select_option("#edit-operation", operation)
        if operation == "repaint":
            page.fill("#edit-color-words", "رصاصي")
            page.select_option("#edit-sheen", "satin")
        if operation in ("stage", "finish"):
            page.locator("#edit-room").select_option(index=1)
        if operation == "finish":
            page.locator("#edit-grade").select_option(index=1)
        if operation == "swap_material":
            page.fill("#edit-material", "light oak parquet")
        if operation == "reference":
            page.set_input_files("#edit-reference", str(inspiration))
            expect(page.locator("#edit-reference-line")).to_contain_text("inspiration.jpg")
        page.select_option("#edit-n", "2" if operation == "empty" else "1")
        page.fill("#edit-prompt", prompt)
        with page.expect_response(lambda r: r.url.endswith("/edit")) as answer:
            page.click("#edit-submit")
        body = answer.value.json()
        assert answer.value.status == 200, (operation, body)
        sent = sent_json(answer.value.request)
        assert sent["operation"] == operation
        original_id = original_id or body["source"]["id"]
        assert body["image"]["parent_id"] == original_id, operation
        if operation == "repaint":
            assert (sent["color"], sent["sheen"]) == ("رصاصي", "satin")
            expect(page.locator("#edit-meta")).to_contain_text("رصاصي")
        if operation in ("stage", "finish"):
            assert sent["room_type"]
        if operation == "finish":
            assert sent["grade"]
        if operation == "reference":
            assert "data" in sent["reference"]
        results += len(body["images"])

        # Before / after, with a slider, for this operation.
        expect(page.locator("#compare")).to_be_visible()
        wait_images_loaded(page, "#compare img")
        state = compare_state(page)
        assert (state["before"], state["after"]) == (original_id, body["image"]["id"]), operation
        page.locator("#compare-slider").fill("30")
        assert "30%" in compare_state(page)["clip"], operation
        page.locator("#compare-slider").fill("50")
        expect(
            page.locator(f'#edit-chain .chain-step[data-image-id="{body["image"]["id"]}"]')
        ).to_contain_text(page.locator(f'#edit-operation option[value="{operation}"]').inner_text())
        if operation in ("finish", "reference"):
            screenshot(page, f"edit-{operation}")

    # Two variations of "empty" both joined the chain, beside every other result.
    expect(page.locator("#edit-chain .chain-step")).to_have_count(1 + results)
    assert results == len(OPERATION_FIELDS) + 1

    # The chain comes back from GET /images/{id} in one answer, after a reload.
    last = page.locator("#edit-chain .chain-step").last.get_attribute("data-image-id")
    assert last
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-loaded", "true")
    page.fill("#edit-image-id", last)
    with page.expect_response(lambda r: r.url.endswith(f"/images/{last}")) as answer:
        page.click("#edit-load-id")
    assert [view["id"] for view in answer.value.json()["chain"]] == [last, original_id]
    expect(page.locator("#edit-chain .chain-step")).to_have_count(2)
    wait_images_loaded(page, "#compare img")
    assert compare_state(page)["before"] == original_id
    page.click("#lang-toggle")
    wait_images_loaded(page, "#edit-style-picker img")
    screenshot(page, "edit-operations-ar")
