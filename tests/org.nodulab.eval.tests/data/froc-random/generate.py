import random, sys
rnd = random.Random(int(sys.argv[1])); out = sys.argv[2]
scans = [f"1.2.3.{i}" for i in range(int(sys.argv[3]))]
ann, exc, res = [], [], []
for s in scans[:-2]:
    for _ in range(rnd.randint(1, 3)):
        x, y, z, d = [round(rnd.uniform(-150, 150), 4) for _ in range(3)] + [round(rnd.uniform(3, 30), 3)]
        ann.append((s, x, y, z, d))
        for _ in range(rnd.choice([0, 1, 1, 2, 3])):
            r = d / 2 * rnd.random() * 0.95
            res.append((s, round(x + r * 0.6, 3), round(y - r * 0.5, 3), round(z + r * 0.4, 3), round(rnd.random(), 3)))
    if rnd.random() < 0.4:
        x, y, z = [round(rnd.uniform(-150, 150), 3) for _ in range(3)]
        exc.append((s, x, y, z, rnd.choice([-1, 4.5, 8])))
        res.append((s, x + 1, y, z, round(rnd.random(), 3)))
    for _ in range(rnd.randint(20, 120)):
        res.append((s, round(rnd.uniform(-200, 200), 3), round(rnd.uniform(-200, 200), 3), round(rnd.uniform(-200, 200), 3), round(rnd.random(), 3)))
ann.append(("9.9.9", 0, 0, 0, 5)); res.append(("9.9.9", 0, 0, 0, 0.5))
rnd.shuffle(res)
def w(name, rows, header):
    with open(f"{out}/{name}", "w") as f:
        if header: f.write(header + "\n")
        for r in rows: f.write(",".join(str(v) for v in r) + "\n")
w("annotations.csv", ann, "seriesuid,coordX,coordY,coordZ,diameter_mm")
w("annotations_excluded.csv", exc, "seriesuid,coordX,coordY,coordZ,diameter_mm")
w("seriesuids.csv", [(s,) for s in scans], None)
w("results_random.csv", res, "seriesuid,coordX,coordY,coordZ,probability")
print(len(ann), "nodules,", len(res), "marks")
