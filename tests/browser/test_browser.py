"""Browser test: a real Chromium drives the login form, the domain list and
the Mail settings page of a private postpanel stack.

Runs on Debian's /usr/bin/python3 with python3-selenium, /usr/bin/chromium
and /usr/bin/chromedriver; nothing is downloaded (the machine may have no
internet, and Selenium Manager is switched off below). Leaves a full-page
screenshot of the settings page after a successful save in
$top_builddir/tests/browser/mail-settings.png, and, when SCREENSHOT_DIR is
set, a copy in $SCREENSHOT_DIR/screenshot-mail-settings.png.
"""
import atexit
import base64
import os
import re
import shutil
import signal
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common import service as _selenium_service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.select import Select  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PASSWORD = "correct horse battery staple"
SAVED = "The mail settings were saved."
NO_AT = "An e-mail address must contain exactly one @, as in name@example.com."


class _NoSeleniumManager:
    """Selenium falls back to Selenium Manager (which downloads drivers)
    when the driver does not start; never let it."""

    def driver_location(self, browser):
        raise WebDriverException("Selenium Manager is disabled in this test")


_selenium_service.SeleniumManager = _NoSeleniumManager
os.environ["SE_OFFLINE"] = "true"

stack = None
driver = None
profile_dir = None


def _descendants(pid):
    """All processes below pid, from /proc (children files)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            tasks = os.listdir("/proc/%d/task" % p)
        except OSError:
            continue
        for t in tasks:
            try:
                with open("/proc/%d/task/%s/children" % (p, t)) as f:
                    kids = [int(x) for x in f.read().split()]
            except OSError:
                continue
            out += kids
            todo += kids
    return out


def _alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def _quit_driver():
    """Quits Chromium and chromedriver; kills, by pid, anything left."""
    global driver
    d, driver = driver, None
    if d is None:
        return
    proc = getattr(d.service, "process", None)
    pids = [proc.pid] + _descendants(proc.pid) if proc else []
    try:
        d.quit()
    except Exception as e:  # the test result matters more than this
        print("driver.quit failed: %s" % e, file=sys.stderr)
    for pid in pids:
        if _alive(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    if proc:
        try:
            proc.wait(5)
        except Exception:
            pass


def _start_driver():
    global driver
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,1400",
                "--user-data-dir=" + os.path.join(profile_dir, "profile"),
                "--lang=en-US", "--force-device-scale-factor=1", "--hide-scrollbars",
                "--no-default-browser-check", "--disable-default-apps",
                "--disable-extensions", "--password-store=basic", "--no-pings",
                "--disable-client-side-phishing-detection", "--disable-domain-reliability",
                "--disable-features=Translate,OptimizationHints,MediaRouter,"
                "DialMediaRouteProvider,AutofillServerCommunication"):
        opts.add_argument(arg)
    opts.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en",
                                           "credentials_enable_service": False,
                                           "profile.password_manager_enabled": False})
    service = Service(CHROMEDRIVER, log_path=os.path.join(profile_dir, "chromedriver.log"))
    driver = webdriver.Chrome(service=service, options=opts)
    driver.set_page_load_timeout(20)
    driver.implicitly_wait(0)


def setUpModule():
    global stack, profile_dir
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            raise unittest.SkipTest("%s missing: apt-get install chromium chromium-driver" % path)
    # Cleanups registered here also run when setUpModule fails half-way.
    unittest.addModuleCleanup(_cleanup)
    profile_dir = tempfile.mkdtemp(prefix="postpanel-browser-")
    stack = harness.Stack(workers=2)
    stack.start()
    atexit.register(_cleanup)  # after the harness's own, so it runs first
    stack.add_user("admin", "admin", PASSWORD, language="en")
    stack.add_user("rita", "reseller", PASSWORD, language="en")
    stack.add_user("carol", "customer", PASSWORD, reseller="rita", language="en")
    stack.add_user("dave", "customer", PASSWORD, language="en")
    stack.add_user("erin", "customer", PASSWORD, reseller="rita", language="en")
    stack.add_domain("alpha.example", "carol")
    stack.add_domain("beta.example", "carol")
    stack.add_domain("gamma.example", "dave")
    stack.add_domain("delta.example", "erin")
    stack.add_domain("epsilon.example", "erin")
    # The administrator installs a second webmail.
    stack.sql("UPDATE webmails SET installed = true WHERE name = 'snappymail'")
    # Varied settings, so the page has something to show and keep.
    stack.cli("mail", "set", "alpha.example", "--service", "on", "--policy", "bounce",
              "--bounce-message", "Nobody here by that name.", "--forward", "old@alpha.example",
              "--webmail", "roundcube", "--domain-limit", "unlimited", "--mailbox-limit", "50")
    stack.cli("mail", "set", "gamma.example", "--service", "off", "--policy", "redirect",
              "--redirect-ip", "192.0.2.25", "--redirect-port", "2525")
    _start_driver()


def _stop_stack():
    global stack
    s, stack = stack, None
    if s is not None:
        s.stop()


def _cleanup():
    global profile_dir
    try:
        _quit_driver()
    finally:
        _stop_stack()
        if profile_dir:
            shutil.rmtree(profile_dir, ignore_errors=True)
            profile_dir = None


def tearDownModule():
    _cleanup()


def mail_row(domain):
    """The stored settings of a domain, as a dict of strings ('' for NULL)."""
    cols = ["service_enabled", "unknown_policy", "bounce_message", "forward_address",
            "host(redirect_ip)", "redirect_port", "webmail", "domain_limit_mode", "domain_limit",
            "mailbox_limit_mode", "mailbox_limit", "version", "updated_by_login"]
    rows = stack.sql(
        "SELECT m.service_enabled, m.unknown_policy, m.bounce_message, m.forward_address,"
        " host(m.redirect_ip), m.redirect_port, m.webmail, m.domain_limit_mode, m.domain_limit,"
        " m.mailbox_limit_mode, m.mailbox_limit, m.version, a.login"
        " FROM mail_settings m JOIN domains d ON d.id = m.domain_id"
        " LEFT JOIN accounts a ON a.id = m.updated_by WHERE d.name = :'v1'", domain)
    if len(rows) != 1:
        raise AssertionError("no mail settings row for %s: %r" % (domain, rows))
    return dict(zip(cols, rows[0]))


def save_screenshot(path):
    """A PNG of the whole page, not only the window."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    m = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = m.get("cssContentSize") or m["contentSize"]
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}})
    with open(path, "wb") as f:
        f.write(base64.b64decode(shot["data"]))


class BrowserTest(unittest.TestCase):
    maxDiff = None

    def url(self, path):
        return stack.base + path

    def wait(self, cond, timeout=10):
        return WebDriverWait(driver, timeout, poll_frequency=0.05).until(cond)

    def find(self, css):
        return driver.find_element(By.CSS_SELECTOR, css)

    def click_and_wait(self, element):
        """Clicks something that loads a new page; waits for it."""
        html = self.find("html")
        element.click()
        self.wait(EC.staleness_of(html))
        self.wait(lambda d: d.execute_script("return document.readyState") == "complete")

    def login(self, login):
        driver.delete_all_cookies()
        driver.get(self.url("/login"))
        self.assertEqual(self.find("h1").text, "Log in to postpanel")
        self.find("#login").send_keys(login)
        self.find("#password").send_keys(PASSWORD)
        self.click_and_wait(self.find("section.login button[type=submit]"))
        self.assertTrue(driver.current_url.endswith("/domains"), driver.current_url)
        self.assertIn(login, self.find("header.top .who").text)

    def open_mail_settings(self, domain):
        """From the domain list, by clicking the domain's link."""
        self.click_and_wait(self.find('header.top nav a[href="/domains"]'))
        link = self.find("table#domains").find_element(By.LINK_TEXT, domain)
        self.click_and_wait(link)
        self.assertTrue(driver.current_url.endswith("/domains/%s/mail" % domain), driver.current_url)
        self.assertEqual(self.find("main h1").text, "Mail settings — %s" % domain)

    def radio(self, name):
        """The value of the checked radio button called name."""
        checked = [e.get_attribute("value") for e in driver.find_elements(By.NAME, name)
                   if e.is_selected()]
        self.assertLessEqual(len(checked), 1)
        return checked[0] if checked else None

    def choose(self, name, value):
        e = self.find('input[name="%s"][value="%s"]' % (name, value))
        e.click()
        self.assertTrue(e.is_selected())

    def type_into(self, name, text):
        e = self.find('input[name="%s"]' % name)
        e.clear()
        e.send_keys(text)

    def value(self, name):
        return self.find('[name="%s"]' % name).get_attribute("value")

    def notices(self):
        return [e.text for e in driver.find_elements(By.CSS_SELECTOR, "main .notice")]

    def test_login_wrong_password(self):
        driver.delete_all_cookies()
        driver.get(self.url("/login"))
        self.find("#login").send_keys("admin")
        self.find("#password").send_keys("not the password")
        self.click_and_wait(self.find("section.login button[type=submit]"))
        self.assertEqual(self.find("#login-error").text, "Wrong login name or password.")
        self.assertEqual(self.find("#login").get_attribute("value"), "admin")
        self.assertEqual(self.find("#password").get_attribute("value"), "")

    def test_customer_sees_own_domains(self):
        self.login("carol")
        names = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "table#domains tbody td:first-child a")]
        self.assertEqual(names, ["alpha.example", "beta.example"])
        headers = [th.text for th in driver.find_elements(By.CSS_SELECTOR, "table#domains thead th")]
        self.assertNotIn("Owner", headers)
        self.assertEqual(driver.find_elements(By.CSS_SELECTOR, 'a[href="/server"]'), [])

    def test_invalid_limit_is_rejected(self):
        self.login("rita")
        before = mail_row("beta.example")
        self.open_mail_settings("beta.example")
        self.assertEqual(self.radio("domain_limit_mode"), "default")
        self.choose("domain_limit_mode", "custom")
        self.type_into("domain_limit", "lots")
        self.click_and_wait(self.find("#save"))
        err = self.find("#error-domain_limit")
        self.assertTrue(err.is_displayed())
        self.assertTrue(err.text, "empty error text")
        # Beside its field: in the same block, right after the input.
        field = self.find('input[name="domain_limit"]')
        self.assertEqual(field.get_attribute("aria-invalid"), "true")
        self.assertEqual(driver.execute_script(
            "return arguments[0].previousElementSibling === arguments[1]", err, field), True)
        self.assertEqual(self.value("domain_limit"), "lots")
        self.assertEqual(self.radio("domain_limit_mode"), "custom")
        self.assertNotIn(SAVED, self.notices())
        self.assertEqual(mail_row("beta.example"), before)

    def test_mail_settings_change(self):
        self.login("admin")
        self.open_mail_settings("alpha.example")
        before = mail_row("alpha.example")
        self.assertEqual(before["unknown_policy"], "bounce")

        # The form shows what the CLI stored.
        self.assertTrue(self.find('input[name="service"]').is_selected())
        self.assertEqual(self.radio("policy"), "bounce")
        self.assertEqual(self.value("bounce_message"), "Nobody here by that name.")
        self.assertEqual(self.value("forward_address"), "old@alpha.example")
        self.assertEqual(Select(self.find("#webmail")).first_selected_option.get_attribute("value"),
                         "roundcube")
        self.assertEqual(self.radio("domain_limit_mode"), "unlimited")
        self.assertEqual(self.radio("mailbox_limit_mode"), "custom")
        self.assertEqual(self.value("mailbox_limit"), "50")
        self.assertEqual(self.notices(), [])

        # A forwarding address without @ is refused, beside the field.
        self.choose("policy", "forward")
        self.type_into("forward_address", "postmaster.example.org")
        self.click_and_wait(self.find("#save"))
        err = self.find("#error-forward_address")
        self.assertTrue(err.is_displayed())
        self.assertEqual(err.text, NO_AT)
        field = self.find('input[name="forward_address"]')
        self.assertEqual(field.get_attribute("aria-invalid"), "true")
        self.assertEqual(driver.execute_script(
            "return arguments[0].previousElementSibling === arguments[1]", err, field), True)
        self.assertEqual(driver.execute_script(
            "return arguments[0].parentNode === arguments[1].parentNode", err, field), True)
        self.assertEqual(self.value("forward_address"), "postmaster.example.org")
        self.assertEqual(self.radio("policy"), "forward")
        self.assertNotIn(SAVED, self.notices())
        self.assertTrue(driver.find_elements(By.CSS_SELECTOR, 'main .notice.error[role="alert"]'))
        self.assertEqual(mail_row("alpha.example"), before)
        save_screenshot(os.path.join(harness.BUILDDIR, "tests", "browser", "mail-settings-error.png"))

        # Correct it, and change the webmail and both limits.
        self.type_into("forward_address", "catchall@Example.ORG")
        Select(self.find("#webmail")).select_by_visible_text("SnappyMail")
        self.choose("domain_limit_mode", "custom")
        self.type_into("domain_limit", "250")
        self.choose("mailbox_limit_mode", "default")
        self.click_and_wait(self.find("#save"))

        self.assertTrue(driver.current_url.endswith("/domains/alpha.example/mail?saved=1"),
                        driver.current_url)
        ok = self.find("main .notice.ok")
        self.assertEqual(ok.text, SAVED)
        self.assertEqual(ok.get_attribute("role"), "status")
        self.assertEqual(driver.find_elements(By.CSS_SELECTOR, ".field-error"), [])
        self.assertTrue(self.find('input[name="service"]').is_selected())
        self.assertEqual(self.radio("policy"), "forward")
        self.assertEqual(self.value("forward_address"), "catchall@example.org")
        self.assertEqual(self.value("bounce_message"), "Nobody here by that name.")
        self.assertEqual(Select(self.find("#webmail")).first_selected_option.text, "SnappyMail")
        self.assertEqual(self.radio("domain_limit_mode"), "custom")
        self.assertEqual(self.value("domain_limit"), "250")
        self.assertEqual(self.radio("mailbox_limit_mode"), "default")
        self.assertIn("Last changed by admin", self.find("p.meta").text)

        after = mail_row("alpha.example")
        self.assertEqual(after, dict(
            before, unknown_policy="forward", forward_address="catchall@example.org",
            webmail="snappymail", domain_limit_mode="custom", domain_limit="250",
            mailbox_limit_mode="default", mailbox_limit=after["mailbox_limit"],
            version=str(int(before["version"]) + 1), updated_by_login="admin"))
        self.assertIn(after["mailbox_limit"], ("", "50"))  # unused while the mode is default

        path = os.path.join(harness.BUILDDIR, "tests", "browser", "mail-settings.png")
        save_screenshot(path)
        with open(path, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
        if os.environ.get("SCREENSHOT_DIR"):
            os.makedirs(os.environ["SCREENSHOT_DIR"], exist_ok=True)
            shutil.copyfile(path, os.path.join(os.environ["SCREENSHOT_DIR"],
                                               "screenshot-mail-settings.png"))

        # The domain list agrees.
        self.click_and_wait(self.find('header.top nav a[href="/domains"]'))
        row = self.find("table#domains").find_element(By.LINK_TEXT, "alpha.example") \
            .find_element(By.XPATH, "./ancestor::tr")
        self.assertIn("snappymail", row.text.lower())


    def test_bulk_change(self):
        """Rita filters her domains by owner, ticks the page with the header
        checkbox, previews a catch-all for both, applies it, and undoes it."""
        self.login("rita")
        self.click_and_wait(self.find("#nav-bulk"))
        self.assertTrue(driver.current_url.endswith("/bulk"), driver.current_url)
        self.assertEqual(self.find("main h1").text, "Bulk mail settings")
        self.type_into("f_owner", "erin")
        self.click_and_wait(self.find("form#filter button[type=submit]"))
        names = [e.get_attribute("value") for e in driver.find_elements(By.CSS_SELECTOR, 'input[name="d"]')]
        self.assertEqual(names, ["delta.example", "epsilon.example"])
        self.assertEqual(self.find("#domain-count").text, "2 domains match the filter.")
        # With JavaScript the header checkbox ticks the page; the plain button is hidden.
        header = self.find("#check-page")
        self.assertTrue(header.is_displayed())
        self.assertFalse(self.find("#check-page-form").is_displayed())
        header.click()
        self.assertEqual([e.is_selected() for e in driver.find_elements(By.CSS_SELECTOR, 'input[name="d"]')],
                         [True, True])
        self.choose("policy", "forward")
        self.type_into("forward_address", "catchall@{domain}")
        self.click_and_wait(self.find("#preview-policy"))

        self.assertEqual(self.find("#title").text, "Preview: Mail to nonexistent users: forward to catchall@{domain}")
        self.assertEqual([e.text for e in driver.find_elements(By.CSS_SELECTOR, "#summary li")],
                         ["2 domains selected.", "2 will change.", "0 already have this setting.",
                          "0 would be refused."])
        rows = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#preview-table tbody tr")]
        self.assertEqual(len(rows), 2)
        self.assertIn("catchall@delta.example", rows[0])
        self.assertIn("catchall@epsilon.example", rows[1])
        before = {d: mail_row(d) for d in names}
        self.assertEqual({r["unknown_policy"] for r in before.values()}, {"reject"})
        save_screenshot(os.path.join(harness.BUILDDIR, "tests", "browser", "bulk-preview.png"))

        # Submitting says what it works on and disables the button (the script).
        form = self.find("#apply-form")
        html = self.find("html")
        working = driver.execute_script(
            "var f = arguments[0]; f.requestSubmit(document.getElementById('apply'));"
            "return f.querySelector('.working').textContent;", form)
        self.assertEqual(working, "Working on 2 domains…")
        self.wait(EC.staleness_of(html))
        self.wait(lambda d: d.execute_script("return document.readyState") == "complete")
        m = re.search(r"/changes/(\d+)\?applied=1$", driver.current_url)
        self.assertIsNotNone(m, driver.current_url)
        change = m.group(1)
        self.assertEqual(self.find("main .notice.ok").text, "The change was applied to 2 domains.")
        listed = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#change-domains td.domain a")]
        self.assertEqual(listed, names)
        for d in names:
            self.assertEqual(mail_row(d), dict(before[d], unknown_policy="forward", forward_address="catchall@" + d,
                                               version=str(int(before[d]["version"]) + 1),
                                               updated_by_login="rita"))
        self.assertEqual(stack.sql("SELECT domain_name, source, actor_login FROM audit_log"
                                   " WHERE change_id = :'v1' ORDER BY domain_name", change),
                         [[d, "bulk", "rita"] for d in names])

        # Undo puts both back.
        self.click_and_wait(self.find("#undo"))
        self.assertEqual(self.find("main .notice.ok").text, "The change was undone: 2 domains restored.")
        for d in names:
            self.assertEqual(mail_row(d)["unknown_policy"], "reject")
            self.assertEqual(mail_row(d)["forward_address"], "")

    def test_switch_language(self):
        """The switch in the header: dave's account goes French, then Swedish
        (saved in the account, back on the same page); logged out, the login
        page keeps the language, and a visitor switches back with a link."""
        try:
            self.login("dave")
            self.assertEqual(self.find("html").get_attribute("lang"), "en")
            self.click_and_wait(self.find('#language-switch button[value="fr"]'))
            self.assertTrue(driver.current_url.endswith("/domains"), driver.current_url)
            self.assertEqual(self.find("html").get_attribute("lang"), "fr")
            self.assertEqual(self.find("main h1").text, "Domaines")
            self.assertEqual(self.find("#domain-count").text, "1 domaine")
            self.assertEqual(self.find('#language-switch button[value="fr"]').get_attribute("aria-pressed"),
                             "true")
            self.assertEqual(stack.sql("SELECT language FROM accounts WHERE login = 'dave'"), [["fr"]])
            self.click_and_wait(self.find("table#domains").find_element(By.LINK_TEXT, "gamma.example"))
            self.assertEqual(self.find("main h1").text, "Paramètres de la messagerie — gamma.example")
            self.click_and_wait(self.find('#language-switch button[value="sv"]'))
            self.assertTrue(driver.current_url.endswith("/domains/gamma.example/mail"), driver.current_url)
            self.assertEqual(self.find("html").get_attribute("lang"), "sv")
            self.assertEqual(self.find("main h1").text, "Mailinställningar — gamma.example")
            self.assertEqual(self.find("#save").text, "Spara")
            self.assertEqual(stack.sql("SELECT language FROM accounts WHERE login = 'dave'"), [["sv"]])
            self.click_and_wait(self.find("form.logout button"))
            self.assertEqual(self.find("html").get_attribute("lang"), "sv")
            self.assertEqual(self.find("h1").text, "Logga in på postpanel")
            self.click_and_wait(self.find('#language-switch a[hreflang="en"]'))
            self.assertEqual(self.find("html").get_attribute("lang"), "en")
            self.assertEqual(self.find("h1").text, "Log in to postpanel")
        finally:
            stack.sql("UPDATE accounts SET language = 'en' WHERE login = 'dave'")
            driver.delete_all_cookies()


if __name__ == "__main__":
    unittest.main()
