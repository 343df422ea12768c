#!/usr/bin/env python3
"""gen_synthetic.py - write a synthetic corridor-sized dataset for benchmarks.

Why: tests/data/mini has 10 places, far too small to say anything about
routing latency, and the real dataset (data/) may not exist yet.  This
makes a W x H grid of places spread over several countries (1435 mm in
the first band, 1520 mm in the others, like China -> Kazakhstan -> Russia),
with rail and road between neighbours, border crossings on every
cross-country link, gauge changes at the border posts, rail/road transfers
at every place, a few ferries and air links.  Deterministic (fixed seed).

With --road-like the grid is shaped like a road network instead, which
has a hierarchy of road classes that contraction hierarchies exploit (a
uniform grid has none and is their hardest case): every link is a road,
local roads at 40 km/h, every 8th row and column an arterial at 70 km/h,
every 32nd a motorway at 100 km/h (running times in duration_h); rail only
along the motorway lines, and no air links.  Both shapes are benchmarked
(docs/PERFORMANCE.md).

usage: bench/gen_synthetic.py DIR [W H] [--road-like]
"""
import math
import os
import random
import sys


def main():
    args = [a for a in sys.argv[1:] if a != "--road-like"]
    road_like = len(args) != len(sys.argv) - 1
    if len(args) not in (1, 3) or args[0].startswith("-"):
        sys.exit("usage: bench/gen_synthetic.py DIR [W H] [--road-like]")
    out = args[0]
    w = int(args[1]) if len(args) > 1 else 16
    h = int(args[2]) if len(args) > 2 else 10
    if w < 2 or h < 1 or w * h > 5_000_000:
        sys.exit("gen_synthetic.py: W >= 2, H >= 1 and W*H <= 5,000,000")
    rnd = random.Random(20261124)
    os.makedirs(out, exist_ok=True)
    countries = ["CN", "KZ", "UZ", "RU"]
    band = max(1, (w + len(countries) - 1) // len(countries))

    def country(x):
        return countries[min(x // band, len(countries) - 1)]

    places = []
    idx = {}
    # Spacing shrinks for large grids so that every place stays on the
    # globe (longitude 20..175, latitude -60..75): wider grids once ran past
    # 180 degrees.  Ids name x and y apart ("X120Y7"), so that no two places
    # share one, as "P%02d%02d" did from 100 columns on.
    dx = min(0.7, 155.0 / max(1, w - 1))
    dy = min(0.5, 135.0 / max(1, h - 1))
    lat0 = 40 if 40 + dy * (h - 1) <= 75 else -60
    lon0 = 60 if 60 + dx * (w - 1) <= 175 else 20
    for y in range(h):
        for x in range(w):
            pid = "%s-X%dY%d" % (country(x), x, y)
            idx[(x, y)] = len(places)
            places.append((pid, country(x), round(lat0 + dy * y, 6), round(lon0 + dx * x, 6)))

    def gc(a, b):
        la1, lo1, la2, lo2 = map(math.radians, (a[2], a[3], b[2], b[3]))
        d = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
        return 2 * 6371 * math.asin(math.sqrt(d))

    links, crossings, transfers = [], [], []
    for (x, y), i in idx.items():
        for dx, dy in ((1, 0), (0, 1)):
            if (x + dx, y + dy) not in idx:
                continue
            j = idx[(x + dx, y + dy)]
            a, b = places[i], places[j]
            dist = round(gc(a, b) * rnd.uniform(1.05, 1.4), 1)
            cross = a[1] != b[1]
            # The line the link runs along: a row (dx) or a column (dy).
            line = y if dx else x
            speed = 100 if line % 32 == 0 else 70 if line % 8 == 0 else 40
            for mode in ("rail", "road"):
                if mode == "rail" and (rnd.random() < 0.15 or (road_like and speed < 100)):
                    continue
                xid = ""
                if cross:
                    xid = "X-%d-%d-%s" % (i, j, mode)
                    crossings.append((xid, mode, a[0], b[0], rnd.choice([4, 8, 12, 24, 36])))
                gauge = ""
                if mode == "rail":
                    # The link takes the gauge of its western end's country.
                    gauge = "1435" if a[1] == countries[0] and b[1] == countries[0] else "1520"
                    if cross and a[1] == countries[0]:
                        gauge = "1435"
                dur = round(dist / speed, 4) if road_like and mode == "road" else ""
                links.append((mode, a[0], b[0], gauge, dist, xid, dur))
    # Ferries along the first row and air links between every 7th place.
    for x in range(0, w - 3, 3):
        a, b = places[idx[(x, 0)]], places[idx[(x + 3, 0)]]
        links.append(("sea", a[0], b[0], "", round(gc(a, b) * 1.3, 1), "", ""))
    hubs = [i for i in range(len(places)) if i % 7 == 0 and not road_like]
    for k in range(len(hubs) - 1):
        a, b = places[hubs[k]], places[hubs[k + 1]]
        links.append(("air", a[0], b[0], "", round(gc(a, b) * 1.05 + 1, 1), "", ""))
    classes = {}
    for mode, a, b, gauge, _, _, _ in links:
        c = "rail" + gauge if mode == "rail" else mode
        classes.setdefault(a, set()).add(c)
        classes.setdefault(b, set()).add(c)
    for p in places:
        cs = sorted(classes.get(p[0], ()))
        for i1 in range(len(cs)):
            for i2 in range(i1 + 1, len(cs)):
                c1, c2 = cs[i1], cs[i2]
                kind = "gauge_change" if c1.startswith("rail") and c2.startswith("rail") else "mode_change"
                transfers.append((p[0], kind, c1, c2, rnd.choice([2, 4, 6, 8]), rnd.choice([50, 100, 150])))

    def write(name, header, rows):
        with open(os.path.join(out, name), "w") as f:
            f.write(header + "\n")
            for r in rows:
                f.write(",".join(str(v) for v in r) + "\n")

    write("sources.csv", "id,kind,title,publisher,url,date,note",
          [("A-syn", "assumption", "", "", "", "", "synthetic benchmark network")])
    write("params.csv", "key,value,unit,source", [("tonnes_per_20ft", 10, "t", "A-syn"), ("tonnes_per_40ft", 20, "t", "A-syn")])
    write("modes.csv", "mode,speed_kmh,cost_usd_per_km_20ft,cost_usd_per_km_40ft,cost_usd_per_tkm,co2e_kg_per_tkm,units,source",
          [("rail", 45, 0.9, 1.3, 0.05, 0.022, "20ft;40ft;t", "A-syn"),
           ("road", 55, 1.6, 2.1, 0.1, 0.075, "20ft;40ft;t", "A-syn"),
           ("sea", 25, 0.4, 0.6, 0.02, 0.012, "20ft;40ft;t", "A-syn"),
           ("air", 750, 12, 18, 2.5, 0.8, "t", "A-syn")])
    write("places.csv", "id,name_en,country,kind,lat,lon,source",
          [(p[0], "Town " + p[0], p[1], "city", p[2], p[3], "A-syn") for p in places])
    write("crossings.csv", "id,name,mode,place_a,place_b,dwell_h,fee_usd_20ft,fee_usd_40ft,fee_usd_t,source",
          [(x[0], x[0], x[1], x[2], x[3], x[4], 50, 80, 2, "A-syn") for x in crossings])
    write("links.csv", "id,from,to,mode,gauge_mm,distance_km,duration_h,crossing,source",
          [("L%d" % i, l[1], l[2], l[0], l[3], l[4], l[6], l[5], "A-syn") for i, l in enumerate(links)])
    write("transfers.csv", "place,kind,from,to,duration_h,cost_usd_20ft,cost_usd_40ft,cost_usd_t,source",
          [(t[0], t[1], t[2], t[3], t[4], t[5], t[5] * 1.5, t[5] / 20, "A-syn") for t in transfers])
    print("%s: %d places, %d links, %d crossings, %d transfers" % (out, len(places), len(links), len(crossings), len(transfers)))


if __name__ == "__main__":
    main()
