#!/usr/bin/env python3
"""The bulk benchmark of tools/bench (not run on its own).

Default: after WARMUP untimed rounds, RUNS bulk changes of every domain whose name contains FILTER
(tools/bench seeds d0000000..d0099999: "d000" selects 10,000), alternately
deactivating and activating the mail service so that every run changes
every selected domain. Each run previews (not timed), then POSTs
/bulk/apply with curl and takes curl's time_total: from the request to
the response, which postpanel-web sends after the commit. Then the same
UPDATE of the same rows in bare SQL through psql (the same triggers
write the same audit rows), and the ratio of the medians.

--mapd NODE: one more bulk change, then the time from its response to
map_nodes.applied_generation of NODE reaching the change's generation.
"""
import argparse
import re
import statistics
import subprocess
import sys
import time
import urllib.parse


def curl(args, base, cookie, path, body=None):
    cmd = ["curl", "-s", "-o", args.tmp + "/bulk-out.html", "-w", "%{http_code} %{time_total} %{redirect_url}",
           "-H", "Cookie: pp_session=" + cookie]
    if body is not None:
        with open(args.tmp + "/bulk-body", "w") as f:
            f.write(body)
        cmd += ["-H", "Content-Type: application/x-www-form-urlencoded",
                "--data-binary", "@" + args.tmp + "/bulk-body"]
    out = subprocess.run(cmd + [base + path], capture_output=True, text=True, check=True).stdout.split(" ")
    with open(args.tmp + "/bulk-out.html") as f:
        page = f.read()
    return int(out[0]), float(out[1]), out[2] if len(out) > 2 else "", page


def field(page, name):
    m = re.search(r'name="%s" value="([^"]*)"' % name, page)
    return m.group(1) if m else None


def sql(args, query):
    p = subprocess.run(args.psql.split() + ["-Atq", "-c", query], capture_output=True, text=True, check=True)
    return p.stdout.strip()


def bulk_change(args, csrf, button):
    form = {"csrf": csrf, "select": "all", "f_name": args.filter, "f_owner": "", "f_service": "",
            "f_policy": "", "f_webmail": "", "action": button}
    t0 = time.monotonic()
    status, _, _, page = curl(args, args.base, args.cookie, "/bulk/preview", urllib.parse.urlencode(form))
    preview = time.monotonic() - t0
    if status != 200:
        sys.exit("preview: HTTP %d" % status)
    for k in ("snapshot", "digest", "count"):
        form[k] = field(page, k)
        if form[k] is None:
            sys.exit("preview of %s: no %s (nothing to change?)" % (button, k))
    status, total, location, page = curl(args, args.base, args.cookie, "/bulk/apply", urllib.parse.urlencode(form))
    if status != 303 or "/changes/" not in location:
        sys.exit("apply: HTTP %d %s" % (status, page[:400]))
    return total, preview, int(form["count"]), location


def bare_update(args, value):
    script = ("\\timing on\nBEGIN;\n"
              "UPDATE mail_settings m SET service_enabled = %s, version = m.version + 1, updated_at = now()"
              "  FROM domains d WHERE d.id = m.domain_id AND d.name LIKE '%%%s%%';\nCOMMIT;\n"
              % ("true" if value else "false", args.filter))
    p = subprocess.run(args.psql.split() + ["-q"], input=script, capture_output=True, text=True, check=True)
    times = [float(t) for t in re.findall(r"Time: ([0-9.]+) ms", p.stdout)]
    if len(times) != 3:
        sys.exit("psql: %s %s" % (p.stdout, p.stderr))
    return sum(times) / 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--cookie", required=True)
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--psql", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--filter", default="d000")
    ap.add_argument("--mapd")
    args = ap.parse_args()

    status, _, _, page = curl(args, args.base, args.cookie, "/bulk")
    csrf = field(page, "csrf")
    if status != 200 or not csrf:
        sys.exit("GET /bulk: HTTP %d" % status)

    if args.mapd:
        on = sql(args, "SELECT bool_and(service_enabled) FROM mail_settings m JOIN domains d ON d.id = m.domain_id"
                       " WHERE d.name LIKE '%%%s%%'" % args.filter) == "t"
        total, _, n, location = bulk_change(args, csrf, "deactivate" if on else "activate")
        t_done = time.monotonic()
        gen = int(sql(args, "SELECT value FROM change_generation"))
        while True:
            applied = sql(args, "SELECT applied_generation || ' ' || coalesce(error, '') FROM map_nodes"
                                " WHERE name = '%s'" % args.mapd)
            if applied and int(applied.split(" ")[0]) >= gen:
                break
            if time.monotonic() - t_done > 120:
                sys.exit("mapd did not apply generation %d: %s" % (gen, applied))
            time.sleep(0.01)
        lag = time.monotonic() - t_done
        print("   with postpanel-mapd: apply %.0f ms, then %.2f s until the node applied generation %d"
              " (%d domains: one full rebuild)" % (total * 1000, lag, gen, n))
        return

    # Untimed first rounds on both sides: the first updates of freshly seeded
    # rows cost more (hint bits, first page pruning), for the app and for psql alike.
    for i in range(args.warmup):
        bulk_change(args, csrf, "deactivate")
        bulk_change(args, csrf, "activate")
        bare_update(args, False)
        bare_update(args, True)
    applies, previews, gens = [], [], []
    for i in range(args.runs):
        g0 = int(sql(args, "SELECT value FROM change_generation"))
        total, preview, n, _ = bulk_change(args, csrf, "deactivate" if i % 2 == 0 else "activate")
        gens.append(int(sql(args, "SELECT value FROM change_generation")) - g0)
        applies.append(total)
        previews.append(preview)
        print("   run %d: %s %d domains: apply %.0f ms (preview %.0f ms)"
              % (i + 1, "deactivate" if i % 2 == 0 else "activate", n, total * 1000, preview * 1000))
    bare = [bare_update(args, i % 2 == 0) for i in range(args.runs)]
    for i, t in enumerate(bare):
        print("   bare SQL run %d: %.0f ms" % (i + 1, t * 1000))
    a, b = statistics.median(applies), statistics.median(bare)
    print("   POST /bulk/apply to committed, %d domains: median %.0f ms, max %.0f ms (target <= 500 ms)"
          % (n, a * 1000, max(applies) * 1000))
    print("   preview of the same (not timed above): median %.0f ms" % (statistics.median(previews) * 1000))
    print("   bare SQL UPDATE of the same rows (psql, same triggers): median %.0f ms" % (b * 1000))
    print("   bulk apply / bare UPDATE: %.2fx (target <= 4x); generations per apply: %s"
          % (a / b, sorted(set(gens))))


if __name__ == "__main__":
    main()
