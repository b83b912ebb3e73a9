"""jxcheck serve: the token and the bind address, escaping of everything a document brings, decisions into the
store, the PDF pages with their boxes, the workpaper export; and in real headless Chromium (Debian's chromium and
chromium-driver, driven by Selenium): boxes on the page image, decisions by keyboard kept over a reload and a
re-run of batch, and no script from a document's text or file name running."""
from __future__ import annotations

import io
import re
import shutil
import socket
import threading
from pathlib import Path

import openpyxl
import pytest

from jxcheck import reviews
from jxcheck.batch import run_batch
from jxcheck.cli import main
from jxcheck.failures import RunError
from jxcheck.serve import check_settings, create_app
from jxcheck.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
HOSTILE_NAME = 'x<img src=x onerror="window.pwned=1">.txt'
HOSTILE_TEXT = ("评价单位：<b>临江市</b>测试局\n2020年度自评报告\n<script>window.pwned=2</script>三公经费预算 6.82 万元，"
                "实际支出 4.43 万元，三公经费控制率 70.00%。<img src=y onerror=\"window.pwned=3\">\n")


def archive(base: Path) -> Path:
    src = base / "in"
    src.mkdir()
    shutil.copy(SEEDS / "zj2018_review.pdf", src / "review2018.pdf")
    shutil.copy(SEEDS / "zj2020_self.txt", src / "self2020.txt")
    (src / HOSTILE_NAME).write_text(HOSTILE_TEXT, encoding="utf-8")
    return src


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    base = tmp_path_factory.mktemp("serve")
    src = archive(base)
    out = base / "out"
    run_batch([str(src)], str(out), jobs=1, stream=io.StringIO())
    return src, out


def client(out: Path, token: str | None = None, host: str = "127.0.0.1"):
    from starlette.testclient import TestClient
    return TestClient(create_app(check_settings(str(out), None, host, token, "测试员")), base_url="http://127.0.0.1")


def doc_links(c, unit: str | None = None) -> list[str]:
    units = re.findall(r'href="(/unit/[^"]+)"', c.get("/").text)
    links = []
    for u in units:
        links += re.findall(r'href="(/doc/[0-9a-f]+)"', c.get(u).text)
    return links


def test_a_bind_beyond_this_machine_needs_a_token(served, capsys):
    _, out = served
    for host in ("0.0.0.0", "192.168.1.20", "::"):
        with pytest.raises(RunError) as caught:
            check_settings(str(out), None, host, None, "x")
        assert caught.value.code == "token_required"
    assert check_settings(str(out), None, "0.0.0.0", "s3cret", "x").token == "s3cret"
    assert check_settings(str(out), None, "::1", None, "x").token is None
    assert main(["serve", str(out), "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("token_required: ") and " / " in err and err.count("\n") == 1
    assert main(["serve", str(out / "nowhere")]) == 2 and capsys.readouterr().err.startswith("not_found: ")


def test_requests_without_the_token_get_401(served):
    _, out = served
    c = client(out, token="s3cret", host="0.0.0.0")
    for path in ("/", "/export.xlsx", "/static/app.js", "/doc/abc"):
        assert c.get(path).status_code == 401
    assert c.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert c.get("/", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    first = c.get("/?token=s3cret", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/" and "httponly" in first.headers["set-cookie"].lower()
    assert c.get("/").status_code == 200
    assert client(out).get("/", headers={"Host": "evil.example"}).status_code == 400


def test_document_text_and_file_names_are_escaped_and_scripts_forbidden(served):
    _, out = served
    c = client(out)
    home = c.get("/")
    assert "script-src 'self'" in home.headers["content-security-policy"] and "unsafe-inline" not in \
        home.headers["content-security-policy"].split("script-src")[1].split(";")[0]
    pages = [c.get(link).text for link in doc_links(c)]
    hostile = next(p for p in pages if "window.pwned=2" in p)
    assert "<script>window" not in hostile and "&lt;script&gt;window.pwned=2&lt;/script&gt;" in hostile
    assert "<img src=y" not in hostile and "<img src=x" not in hostile and "&lt;b&gt;临江市" in hostile
    assert "onerror=&#34;window.pwned=1&#34;" in hostile or "onerror=&quot;window.pwned=1&quot;" in hostile
    for page in pages:
        assert not re.findall(r"<script(?![^>]*src=\"/static/)", page)


def test_a_pdf_page_is_drawn_with_its_checked_figures_boxed(served):
    _, out = served
    c = client(out)
    page = next(c.get(link).text for link in doc_links(c) if "review2018.pdf" in c.get(link).text)
    boxes = re.findall(r'<a class="box (\w+)"(?: id="([^"]+)")? href="#([^"]+)"', page)
    classes = {cls for cls, _, _ in boxes}
    assert {"pass", "error", "warning", "unverifiable"} <= classes and len(boxes) > 100
    findings = re.findall(r'<li id="(finding-\d+)"', page)
    assert {target for cls, _, target in boxes if cls in ("error", "warning")} <= set(findings)
    for anchor in re.findall(r'class="place" href="#([^"]+)"', page):
        assert f'id="{anchor}"' in page
    image = re.search(r'<img src="(/doc/[0-9a-f]+/page/1\.png)"', page).group(1)
    png = c.get(image)
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG") and png.headers["content-type"] == "image/png"
    assert c.get(image.replace("/1.png", "/99.png")).status_code == 404


def test_a_decision_goes_to_the_store_and_into_the_export(tmp_path):
    src = archive(tmp_path)
    out = tmp_path / "out"
    run_batch([str(src)], str(out), jobs=1, stream=io.StringIO())
    c = client(out)
    page = next(c.get(link).text for link in doc_links(c) if "self2020.txt" in c.get(link).text)
    fid = re.search(r'name="finding_id" value="([0-9a-f]+)"', page).group(1)
    assert c.post("/review", data={"finding_id": fid, "decision": "确认", "reason": "x"}).status_code == 403
    bad = c.post("/review", data={"finding_id": fid, "decision": "同意"}, headers={"HX-Request": "true"})
    assert bad.status_code == 400 and "bad_decision" in bad.text
    done = c.post("/review", data={"finding_id": fid, "decision": "排除", "reason": "<i>口径不同</i>"},
                  headers={"HX-Request": "true"})
    assert done.status_code == 200 and "排除" in done.text and "&lt;i&gt;口径不同" in done.text
    with Store(str(out / "jxcheck.duckdb")) as store:
        [entry] = reviews.history(store, fid)
    assert (entry.decision, entry.reason, entry.reviewer, entry.source) == ("排除", "<i>口径不同</i>", "测试员", "serve")
    export = c.get("/export.xlsx")
    assert export.status_code == 200
    (tmp_path / "w.xlsx").write_bytes(export.content)
    ws = openpyxl.load_workbook(tmp_path / "w.xlsx")["湛江市人民政府行政服务中心"]
    head = {cell.value: i for i, cell in enumerate(ws[5])}
    row = next(r for r in ws.iter_rows(min_row=6, values_only=True) if r[head["编号"]] == fid)
    assert (row[head["复核结论"]], row[head["复核说明"]]) == ("排除", "<i>口径不同</i>")


# ---------------------------------------------------------------- in the browser

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """jxcheck serve in a thread of the test process."""

    def __init__(self, out: Path):
        import uvicorn
        self.port = free_port()
        app = create_app(check_settings(str(out), None, "127.0.0.1", None, "浏览器测试"))
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "Server":
        self.thread.start()
        while not self.server.started and self.thread.is_alive():
            self.thread.join(0.05)
        assert self.server.started
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def browser():
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not driver:
        pytest.skip("Debian's chromium and chromium-driver are not installed (apt-get install chromium "
                    "chromium-driver; .ci/run installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000",
                "--disable-gpu", "--lang=zh-CN"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(driver), options=options)


def wait(driver, condition, message: str):
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(driver, 30).until(condition, message)


def test_in_chromium_keyboard_decisions_survive_a_reload_and_a_rerun(tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    driver = browser()
    src = archive(tmp_path)
    out = tmp_path / "out"
    run_batch([str(src)], str(out), jobs=1, stream=io.StringIO())
    try:
        with Server(out) as server:
            driver.get(server.url("/"))
            driver.find_element(By.PARTIAL_LINK_TEXT, "湛江市").click()
            driver.find_element(By.PARTIAL_LINK_TEXT, "review2018.pdf").click()
            image = wait(driver, lambda d: d.execute_script(
                "var i = document.querySelector('.pdfpage img'); i.scrollIntoView();"
                "return i.complete && i.naturalWidth > 0 ? i : null;"), "the first page image did not load")
            boxes = driver.find_elements(By.CSS_SELECTOR, "#page-1 .box, #page-3 .box")
            assert boxes and all(b.size["width"] > 0 and b.size["height"] > 0 for b in boxes[:20])
            assert image.size["width"] > 300
            body = driver.find_element(By.TAG_NAME, "body")
            items = driver.find_elements(By.CSS_SELECTOR, "li.finding")
            first, second = items[0].get_attribute("data-id"), items[1].get_attribute("data-id")
            body.send_keys("j")
            body.send_keys("c")
            wait(driver, lambda d: "确认" in d.find_element(By.CSS_SELECTOR, "#finding-1 .decision").text,
                 "c did not confirm the first finding")
            body.send_keys("j")
            reason = driver.find_element(By.CSS_SELECTOR, "#finding-2 input.reason")
            body.send_keys("r")
            assert driver.switch_to.active_element == reason
            reason.send_keys("重复计列")
            reason.send_keys(Keys.ESCAPE)
            body.send_keys("x")
            wait(driver, lambda d: "排除" in d.find_element(By.CSS_SELECTOR, "#finding-2 .decision").text,
                 "x did not dismiss the second finding")
            driver.refresh()
            assert "确认" in driver.find_element(By.CSS_SELECTOR, "#finding-1 .decision").text
            assert "排除：重复计列" in driver.find_element(By.CSS_SELECTOR, "#finding-2 .decision").text
            assert driver.execute_script("return window.pwned") is None
            driver.get(server.url("/"))
            for unit in [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "#units a")]:
                driver.get(unit)
                assert driver.execute_script("return window.pwned") is None
                links = driver.find_elements(By.PARTIAL_LINK_TEXT, "window.pwned=1")
                if links:
                    links[0].click()
                    break
            assert "window.pwned=2" in driver.find_element(By.ID, "text").text
            assert driver.execute_script("return window.pwned") is None
    finally:
        driver.quit()
    (src / "new2019.txt").write_text((SEEDS / "zj2020_self.txt").read_text(encoding="utf-8")
                                     .replace("2020", "2019"), encoding="utf-8")
    result = run_batch([str(src)], str(out), jobs=1, stream=io.StringIO())
    assert result.reviews_kept == 2 and result.reviews_gone == []
    ws = openpyxl.load_workbook(out / "discrepancies.xlsx")["湛江市人民政府行政服务中心"]
    head = {cell.value: i for i, cell in enumerate(ws[5])}
    shown = {r[head["编号"]]: (r[head["复核结论"]], r[head["复核说明"]]) for r in ws.iter_rows(min_row=6, values_only=True)}
    assert shown[first] == ("确认", None) and shown[second] == ("排除", "重复计列")


def test_filters_and_the_other_files_of_a_report(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for ext in ("docx", "pdf"):
        shutil.copy(SEEDS / f"zj2018_review.{ext}", src / f"review.{ext}")
    out = tmp_path / "out"
    run_batch([str(src)], str(out), jobs=1, stream=io.StringIO())
    c = client(out)
    [link] = doc_links(c)
    page = c.get(link).text
    assert "review.docx" in page and 'id="text"' in page and "<img" not in page
    items = re.findall(r'<li id="finding-\d+" class="finding (\w+)" data-id="([0-9a-f]+)"( hidden)?>', page)
    assert {sev for sev, _, _ in items} == {"error", "warning"} and not any(h for *_, h in items)
    warnings = re.findall(r'class="finding (\w+)" data-id="[0-9a-f]+"( hidden)?>', c.get(link + "?severity=warning").text)
    assert {sev for sev, hidden in warnings if not hidden} == {"warning"} and any(hidden for _, hidden in warnings)
    fid = items[0][1]
    c.post("/review", data={"finding_id": fid, "decision": "待核", "reason": ""}, headers={"HX-Request": "true"})
    pending = re.findall(r'data-id="([0-9a-f]+)"( hidden)?>', c.get(link + "?decision=待核").text)
    assert [f for f, hidden in pending if not hidden] == [fid]
    undecided = re.findall(r'data-id="([0-9a-f]+)"( hidden)?>', c.get(link + "?decision=未复核").text)
    assert fid not in [f for f, hidden in undecided if not hidden] and len(undecided) == len(items)
    view = re.search(r'href="(/doc/[0-9a-f]+\?view=[0-9a-f]+)">[^<]*review\.pdf', page).group(1)
    pdf = c.get(view).text
    assert "<img" in pdf and re.findall(r'data-id="([0-9a-f]+)"', pdf) == [f for _, f, _ in items]
    assert re.search(r'<a class="box (error|warning)" id="f1-e1"', pdf)
    assert "待核" in re.search(r'<li id="finding-1".*?</li>', pdf, re.S).group(0)
