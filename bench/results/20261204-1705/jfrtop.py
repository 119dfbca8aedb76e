import json, sys, collections
d = json.load(open(sys.argv[1]))
ev = d["recording"]["events"]
for kind in ("jdk.ExecutionSample", "jdk.NativeMethodSample"):
    top = collections.Counter(); deep = collections.Counter(); n = 0
    for e in ev:
        if e["type"] != kind: continue
        th = e["values"].get("sampledThread", {}) or {}
        name = th.get("javaName") or th.get("osName")
        frames = e["values"]["stackTrace"]["frames"] if e["values"].get("stackTrace") else []
        if not frames: continue
        n += 1
        f0 = frames[0]["method"]; top[(name, f0["type"]["name"] + "." + f0["name"])] += 1
        # first kinora frame
        for f in frames:
            t = f["method"]["type"]["name"]
            if "kinora" in t:
                deep[(name, t + "." + f["method"]["name"])] += 1; break
    print("==", kind, n)
    for k, v in top.most_common(15): print(f"  {v:5d} {k}")
    print("  -- first kinora frame")
    for k, v in deep.most_common(15): print(f"  {v:5d} {k}")
