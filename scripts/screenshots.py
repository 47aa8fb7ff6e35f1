"""Take the small screenshots in docs/screenshots/ from a running `make run` (demo data).

    .venv/bin/python scripts/screenshots.py [http://127.0.0.1:8000]

Signs in as the demo area lead, duty clinician, school member, MHST staff, school lead and
commissioner with the documented demo password and two-factor secret, visits the key governance,
CASCADE, referrals and MHST pages, and saves each at half scale (640 pixels wide; at most the first
2,000 CSS pixels of the page).
"""

import os
import sys
from pathlib import Path

import pyotp
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
BASE = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000").rstrip("/")
PASSWORD = os.environ.get("DEMO_PASSWORD", "local-demo-password")
TOTP = "DEMODEMODEMODEMODEMODEMODEMODEMO"  # demo only, see demo/personas.py
P = "/partnerships/northshire"

PAGES = [
    ("partnership-hub", f"{P}/"),
    ("members-by-sector", f"{P}/members/"),
    ("lead-contacts-stale", f"{P}/lead-contacts/"),
    ("group", f"{P}/groups/", "Northshire CYP Mental Health Steering Group"),
    ("terms-diff", None),  # the group's "Compare versions" link
    ("mous", f"{P}/mous/"),
    ("meetings", f"{P}/meetings/?when=past"),
    ("action-log", f"{P}/actions/"),
    ("risk-register", f"{P}/risks/"),
    ("directory", f"{P}/directory/?need=anxiety&age=14"),
    ("sustainability-plan", f"{P}/sustainability/"),
    ("public-page", "/public/northshire/"),
    ("cascade-home", f"{P}/cascade/"),
    ("cascade-workshop", f"{P}/cascade/", "Round 2 workshop of Cohort 1: North Northshire"),
    ("cascade-scoring", f"{P}/cascade/", "Round 1 workshop of Cohort 3: Northshire Coast", "Score table 1"),
    ("cascade-results", f"{P}/cascade/results/?round=2"),
    ("cascade-domain", f"{P}/cascade/domains/structures/"),
    ("cascade-benchmarks", f"{P}/cascade/results/benchmarks/?round=1"),
    ("cascade-attendance", f"{P}/cascade/attendance/"),
]
FIRST_REFERENCE = "css=td a[href*='/referrals/']"  # the first referral of a list
PAGES_BY_PERSONA = {
    "area.lead": PAGES,
    "duty.clinician": [
        ("referrals-home", f"{P}/referrals/"),
        ("referrals-queue", f"{P}/referrals/triage/?open=on"),
        ("referrals-triage", f"{P}/referrals/triage/?claimed_by=nobody", FIRST_REFERENCE),
        ("referrals-rota", f"{P}/referrals/rota/", "Next week"),
    ],
    "school.staff": [
        ("referrals-start", f"{P}/referrals/school/new/"),
        ("referrals-school-list", f"{P}/referrals/school/"),
        ("referrals-school-detail", f"{P}/referrals/school/", FIRST_REFERENCE + ":not([href$='/check/'])"),
    ],
    "mhst.manager": [
        ("mhst-home", f"{P}/mhst/"),
        ("mhst-team", f"{P}/mhst/", "Northshire MHST North"),
        ("mhst-allocation", f"{P}/mhst/", "Northshire MHST North", "Allocation version 1"),
        ("mhst-method", f"{P}/mhst/allocation-method/"),
        ("mhst-readiness", f"{P}/mhst/readiness/"),
    ],
    "mhst.practitioner": [
        ("mhst-activity", f"{P}/mhst/", "Northshire MHST North", "Activity log"),
    ],
    "school.lead": [
        ("mhst-school", f"{P}/mhst/", "Hillcrest Academy: allocation, readiness and agreement"),
    ],
    "commissioner": [
        ("mhst-coverage", f"{P}/mhst/coverage/"),
        ("mhst-metrics", f"{P}/mhst/activity-figures/"),
        ("dashboard", f"{P}/dashboard/"),
        ("dashboard-commissioned", "/dashboards/commissioned/"),
    ],
    "national.analyst": [
        ("dashboard-national", "/dashboards/national/"),
    ],
}


def sign_in(page, email):
    page.goto(f"{BASE}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Security code").fill(pyotp.TOTP(TOTP).now())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{BASE}/")


def follow(page, text):
    if text.startswith("css="):
        page.locator(text.removeprefix("css=")).first.click()
    else:
        page.get_by_role("link", name=text, exact=True).first.click()


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for persona, pages in PAGES_BY_PERSONA.items():
            page = browser.new_page(viewport={"width": 1280, "height": 900}, device_scale_factor=0.5)
            sign_in(page, f"{persona}@northshire.example")
            for name, path, *link in pages:
                if path is None:
                    page.get_by_role("link", name="Compare versions").click()
                else:
                    page.goto(f"{BASE}{path}")
                    for text in link:  # follow these links in turn
                        follow(page, text)
                page.wait_for_load_state("load")
                height = min(page.evaluate("document.body.scrollHeight"), 2000)
                clip = {"x": 0, "y": 0, "width": 1280, "height": height}
                page.screenshot(path=str(OUT / f"{name}.png"), full_page=True, clip=clip)
                print(f"docs/screenshots/{name}.png  {page.url}")
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
