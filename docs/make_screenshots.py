"""Screenshots of `jxcheck serve` for the README: the unit list and a document page (docs/serve-units.png,
docs/serve-document.png), from the seed reports checked into a temporary folder, in headless Chromium (Debian's
chromium and chromium-driver, and fonts-noto-cjk for the Chinese text)."""
from __future__ import annotations

import io
import shutil
import socket
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"


def main() -> int:
    import uvicorn
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    from jxcheck.batch import run_batch
    from jxcheck.serve import check_settings, create_app
    with tempfile.TemporaryDirectory() as folder:
        src = Path(folder) / "报告"
        src.mkdir()
        for name in ("zj2018_review.pdf", "zj2018_review.docx", "zj2020_self.pdf", "zj2020_self.txt"):
            shutil.copy(SEEDS / name, src / name)
        out = Path(folder) / "out"
        run_batch([str(src)], str(out), jobs=1, stream=io.StringIO())
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(create_app(check_settings(str(out), None, "127.0.0.1", None, "张三")),
                                               host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            thread.join(0.05)
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium")
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,900"):
            options.add_argument(arg)
        driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
        try:
            driver.get(f"http://127.0.0.1:{port}/")
            driver.save_screenshot(str(ROOT / "docs" / "serve-units.png"))
            driver.find_element(By.PARTIAL_LINK_TEXT, "湛江市").click()
            driver.find_element(By.PARTIAL_LINK_TEXT, "同一报告：").click()
            body = driver.find_element(By.TAG_NAME, "body")
            body.send_keys("j")
            body.send_keys("c")
            WebDriverWait(driver, 30).until(lambda d: "确认" in d.find_element(By.CSS_SELECTOR, "#finding-1 .decision").text)
            body.send_keys("j")
            WebDriverWait(driver, 30).until(lambda d: d.execute_script(
                "return [...document.querySelectorAll('.pdfpage img')].every(i => i.complete && i.naturalWidth > 0"
                " || i.getBoundingClientRect().top > innerHeight)"))
            driver.save_screenshot(str(ROOT / "docs" / "serve-document.png"))
        finally:
            driver.quit()
            server.should_exit = True
            thread.join()
    return 0


if __name__ == "__main__":
    sys.exit(main())
