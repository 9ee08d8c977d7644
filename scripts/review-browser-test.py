#!/usr/bin/env python3
"""The review page in a real browser (Debian's chromium, headless, through selenium and
chromium-driver): a real sample station is read into a batch database by `scan-c1 review
IMAGE...`, the queue is opened, every flagged field is answered with the keyboard only (the
number written, from the sample's truth file, then Enter), the rules are seen to turn green, the
corrections are found in the database, Ctrl+Z undoes the last answer, and a request without the token is refused. Writes a
screenshot of each screen to OUT (default .build/review-screens) and prints the measurements.

Usage: scripts/review-browser-test.py [--tool .build/debug/scan-c1] [--out DIR] [--station kubu-02]
Exit code 0 when every check holds, 1 otherwise."""
import argparse, json, os, sqlite3, subprocess, sys, tempfile, time, urllib.request, urllib.error

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TIMEOUT = 180  # generous: a loaded 2-core machine


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", default=os.path.join(ROOT, ".build/debug/scan-c1"))
    ap.add_argument("--out", default=os.path.join(ROOT, ".build/review-screens"))
    # Every kpu-2019 station is read without a field in review by the shipped readers; the
    # phone-photo rendition of karanghampa-01's Lembar 1 has four, with failing rules.
    ap.add_argument("--pages", nargs="+", default=["SampleScans/generated-photos/karanghampa-01-v5-lembar1.jpg"])
    ap.add_argument("--template", default="c1-ppwp-2019-lembar1")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="scan-c1-review-browser-")
    db = os.path.join(work, "review.sqlite")
    pages = [os.path.join(ROOT, p) for p in args.pages]
    truth = {}
    for p in pages:
        t = json.load(open(p[:-4] + ".truth.json"))
        truth[os.path.realpath(p)] = t["fields"]

    failures = []
    def check(cond, what):
        print(("ok   " if cond else "FAIL ") + what)
        if not cond:
            failures.append(what)

    server = subprocess.Popen([args.tool, "review", *pages, "-t", args.template, "--db", db, "--port", "0"], stdout=subprocess.PIPE,
                              env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    driver = None
    servers = [server]
    try:
        url = server.stdout.readline().decode().strip()
        check(url.startswith("http://127.0.0.1:") and "?token=" in url, f"first line is the address: {url[:40]}…")
        base = url.split("/?")[0]

        # Without the token: refused.
        try:
            urllib.request.urlopen(base + "/", timeout=TIMEOUT)
            check(False, "a request without the token is refused (403)")
        except urllib.error.HTTPError as e:
            check(e.code == 403, f"a request without the token is refused ({e.code})")

        opts = webdriver.ChromeOptions()
        for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000",
                  "--lang=id", "--no-first-run", "--disable-extensions"):
            opts.add_argument(a)
        opts.binary_location = "/usr/bin/chromium"
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
        driver.set_page_load_timeout(TIMEOUT)
        wait = WebDriverWait(driver, TIMEOUT)
        def ready():
            wait.until(lambda d: d.execute_script("return document.readyState") == "complete"
                       and d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")
        def shot(name):
            path = os.path.join(args.out, name)
            driver.save_screenshot(path)
            print("     screenshot", path)

        t0 = time.monotonic()
        driver.get(url)
        ready()
        first_screen = time.monotonic() - t0
        nav = driver.execute_script("var n = performance.getEntriesByType('navigation')[0]; return [n.responseEnd - n.startTime, n.loadEventEnd - n.startTime];")
        check("dari 1 TPS selesai" in driver.page_source, "the queue shows the progress (… dari 1 TPS selesai)")
        check("?token=" not in driver.current_url, "the token is gone from the address bar")
        shot("1-queue.png")

        # Keyboard only from here: Enter opens the worst station, the name once, then each field.
        keys = 0
        body = driver.find_element(By.TAG_NAME, "body")
        body.send_keys(Keys.ENTER); keys += 1
        wait.until(lambda d: "/name" in d.current_url)
        ready()
        shot("2-name.png")
        name = driver.switch_to.active_element
        name.send_keys("Siti Aminah"); name.send_keys(Keys.ENTER); keys += len("Siti Aminah") + 1
        name_keys = keys

        answered = []
        field_times, field_keys, weights = [], [], []
        n = 0
        while "/field?" in driver.current_url:
            ready()
            n += 1
            q = dict(kv.split("=", 1) for kv in driver.current_url.split("?", 1)[1].split("&"))
            image, field = q["image"], urllib.parse.unquote(q["field"])
            con = sqlite3.connect(db)
            path = con.execute("SELECT path FROM images WHERE id = ?", (int(image),)).fetchone()[0]
            con.close()
            value = truth[os.path.realpath(path)][field]
            reading = driver.find_element(By.ID, "reading").text
            if n == 1:
                res = driver.execute_script("""
                    var n = performance.getEntriesByType('navigation')[0];
                    var r = performance.getEntriesByType('resource');
                    return [n.transferSize || n.encodedBodySize, r.map(function (e) { return [e.name, e.transferSize || e.encodedBodySize]; })];""")
                weights = [res[0]] + [w for _, w in res[1]]
                check(len(driver.find_elements(By.CSS_SELECTOR, "li.rule.fail")) + len(driver.find_elements(By.CSS_SELECTOR, "li.rule.unknown")) > 0,
                      "the first flagged field shows a rule that fails or cannot be computed")
                shot("3-field.png")
                # + zooms to the boxes while the focus stays in the number box (keyboard only:
                # the keys go where the focus is, as a person's would).
                driver.switch_to.active_element.send_keys("+")
                time.sleep(0.3)
                shot("3b-field-zoomed.png")
                driver.switch_to.active_element.send_keys("+")
                driver.switch_to.active_element.send_keys("+")
            started = time.monotonic()
            box = driver.switch_to.active_element
            check(box.get_attribute("id") == "value", f"field {n} ({field}): the number box has the focus")
            typed = "" if reading == str(value) else str(value)   # Enter alone confirms a right reading
            box.send_keys(typed + Keys.ENTER)
            field_keys.append(len(typed) + 1)
            old = driver.current_url
            wait.until(lambda d: d.current_url != old)
            ready()
            field_times.append(time.monotonic() - started)
            answered.append((int(image), field, value))
            rules_after = driver.find_elements(By.CSS_SELECTOR, "#last li.rule")
            bad = driver.find_elements(By.CSS_SELECTOR, "#last li.rule.fail")
            if n == 1:
                shot("4-after-answer.png")
            check(len(bad) == 0 and len(rules_after) > 0, f"field {n} ({field} = {value}): its rules now hold ({len(rules_after)} shown, green)")
            if n > 40:
                break
        check("station-done" in driver.page_source, "the station is done after its flagged fields")
        check(len(driver.find_elements(By.CSS_SELECTOR, "#last .verdict.pass")) == 1, "the page now adds up (green verdict)")
        shot("5-station-done.png")

        # Ctrl+Z on the summary undoes the last answer: its field opens again, its correction is
        # gone from the database; typed again, the station is done again.
        last_image, last_field, last_value = answered[-1] if answered else (0, "", 0)
        def stored_value():
            con = sqlite3.connect(db)
            row = con.execute("SELECT value FROM corrections WHERE image_id = ? AND field = ?", (last_image, last_field)).fetchone()
            con.close()
            return row[0] if row else None
        before = driver.current_url
        ActionChains(driver).key_down(Keys.CONTROL).send_keys("z").key_up(Keys.CONTROL).perform()
        wait.until(lambda d: d.current_url != before)
        ready()
        check("/field?" in driver.current_url and urllib.parse.quote(last_field) in driver.current_url and stored_value() is None,
              f"Ctrl+Z undoes the last answer ({last_field}: its field again, no correction stored)")
        shot("5b-undone.png")
        before = driver.current_url
        driver.switch_to.active_element.send_keys(("" if driver.find_element(By.ID, "reading").text == str(last_value) else str(last_value)) + Keys.ENTER)
        wait.until(lambda d: d.current_url != before)
        ready()
        check("station-done" in driver.page_source and stored_value() == last_value, "answered again, the station is done again")
        driver.get(base + "/?status=all")
        ready()
        check("1 dari 1 TPS selesai" in driver.page_source, "the queue counts the station done (1 dari 1 TPS selesai)")
        shot("6-queue-done.png")
        driver.get(base + "/?status=all&lang=en")
        ready()
        check("1 of 1 stations done" in driver.page_source, "English with ?lang=en")
        shot("7-queue-english.png")

        con = sqlite3.connect(db)
        rows = con.execute("SELECT image_id, field, value, person, original_status, reason FROM corrections ORDER BY id").fetchall()
        con.close()
        stored = {(r[0], r[1]): r for r in rows}
        check(len(answered) > 0 and all((i, f) in stored and stored[(i, f)][2] == v and stored[(i, f)][3] == "Siti Aminah" for i, f, v in answered),
              f"every answer is in the corrections table with the person's name ({len(rows)} rows)")

        driver.delete_all_cookies()
        driver.get(base + "/")
        check("Akses ditolak" in driver.page_source, "without the cookie the page is refused")
        shot("8-refused.png")

        # Double entry: the same page served with --double-entry over a new database; two people
        # (two sessions, two names) answer its first flagged field from the keyboard, the second
        # without seeing the first's entry; the value stands only after the second agrees.
        # The recap (--expect, field,value lines) is the truth file's: each screen shows it beside the reading.
        double_part = time.monotonic()
        db2 = os.path.join(work, "double.sqlite")
        rekap = os.path.join(work, "rekap.csv")
        with open(rekap, "w") as f:
            f.write("".join(f"{k},{v}\n" for k, v in truth[os.path.realpath(pages[0])].items()))
        server2 = subprocess.Popen([args.tool, "review", *pages, "-t", args.template, "--db", db2, "--port", "0", "--double-entry",
                                    "--expect", rekap],
                                   stdout=subprocess.PIPE, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
        servers.append(server2)
        url2 = server2.stdout.readline().decode().strip()
        double_started = time.monotonic()
        double_keys = 0
        entered = None
        for person, stage in (("Siti Aminah", "first"), ("Budi Santoso", "second")):
            driver.delete_all_cookies()
            driver.get(url2)
            ready()
            driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ENTER)
            wait.until(lambda d: "/name" in d.current_url)
            ready()
            box = driver.switch_to.active_element
            box.send_keys(person + Keys.ENTER)
            wait.until(lambda d: "/field?" in d.current_url)
            ready()
            q = dict(kv.split("=", 1) for kv in driver.current_url.split("?", 1)[1].split("&"))
            image, field = int(q["image"]), urllib.parse.unquote(q["field"])
            if entered is None:
                entered = (image, field)
            check((image, field) == entered, f"double entry, {person}: the same field opens first ({field})")
            shown = driver.find_element(By.ID, "stage").get_attribute("data-stage")
            check(shown == stage, f"double entry, {person}: the screen says the {stage} entry ({shown})")
            if stage == "second":
                check("Siti Aminah" not in driver.page_source and not driver.find_elements(By.ID, "entries"),
                      "double entry: the second person's screen shows nothing of the first entry")
                driver.execute_script("window.scrollTo(0, 0)")
                shot("9-double-entry-second.png")
            con = sqlite3.connect(db2)
            path = con.execute("SELECT path FROM images WHERE id = ?", (image,)).fetchone()[0]
            con.close()
            value = truth[os.path.realpath(path)][field]
            reading = driver.find_element(By.ID, "reading").text
            recap = driver.find_element(By.ID, "recap")
            check(driver.find_element(By.ID, "recap-value").text == str(value)
                  and ("pass" in recap.get_attribute("class")) == (reading == str(value)),
                  f"double entry, {person}: the recap's value {value} is shown beside the reading {reading}, and whether it agrees")
            typed = "" if reading == str(value) else str(value)
            old = driver.current_url
            driver.switch_to.active_element.send_keys(typed + Keys.ENTER)
            double_keys += len(typed) + 1
            wait.until(lambda d: d.current_url != old)
            ready()
            con = sqlite3.connect(db2)
            entries = con.execute("SELECT person, value, answer_id FROM review_entries ORDER BY id").fetchall()
            corr = con.execute("SELECT value, person FROM corrections WHERE image_id = ? AND field = ?", (image, field)).fetchone()
            con.close()
            if stage == "first":
                check(len(entries) == 1 and entries[0][:2] == (person, value) and corr is None,
                      "double entry: the first entry is stored apart, no correction yet")
                driver.execute_script("window.scrollTo(0, 0)")
                shot("9-double-entry-first-stored.png")
            else:
                check(len(entries) == 2 and all(e[2] is not None for e in entries) and corr == (value, "Siti Aminah + Budi Santoso"),
                      f"double entry: both agree, the value stands as a correction naming both ({corr})")
        double_seconds = time.monotonic() - double_started
        double_part = time.monotonic() - double_part

        print()
        print(f"flagged fields answered: {len(answered)}")
        print(f"keystrokes per flagged field: {sum(field_keys) / max(1, len(field_keys)):.2f} (each: {field_keys}); once per session: {name_keys} (Enter + the name + Enter)")
        print(f"seconds per flagged field (Enter to the next screen ready, browser + server): {sum(field_times) / max(1, len(field_times)):.2f} (each: {', '.join(f'{t:.2f}' for t in field_times)})")
        print(f"time to first screen: {first_screen:.2f} s (navigation: response {nav[0]:.0f} ms, load {nav[1]:.0f} ms)")
        print(f"field screen weight: {sum(weights)} bytes ({len(weights)} requests: {weights})")
        print(f"double entry: one flagged field by two people (open, name, answer, twice): {double_seconds:.2f} s, {double_keys} keystrokes for the two answers; the whole double-entry part of the test (the page read again by the second server included): {double_part:.1f} s")
    finally:
        if driver:
            driver.quit()
        for srv in servers:
            srv.terminate()
            srv.wait(timeout=60)
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    import urllib.parse
    main()
