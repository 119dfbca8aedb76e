"""The training history of a line, from its committed checkpoint's JSON: one row per trainer invocation (start, steps,
clips, wall minutes, the process's CPU share, device), and the totals. The model card's table comes from this.

  ../../.venv/bin/python -m train.sessions train/checkpoints/tinyworld2_xt.json
"""
import json
import sys


def rows(meta):
    batch = meta.get("config", {}).get("batch", 8)
    for s in meta.get("sessions", []):
        steps = s["to_step"] - s["from_step"]
        yield {"started": s["started"].replace("T", " ").rstrip("Z")[:16], "from": s["from_step"], "to": s["to_step"],
               "clips": steps * s.get("batch", batch), "minutes": s["wall_s"] / 60, "cpu": s.get("cpu_share"),
               "device": s.get("device") or "cpu", "threads": s.get("threads")}


def num(n):
    return f"{n:,}".replace(",", " ")


def main():
    for path in sys.argv[1:]:
        meta = json.load(open(path))
        rs = list(rows(meta))
        print(f"{path}: {meta['arch']}, step {meta['step']}, {meta['clips']} clips, {len(rs)} invocations\n")
        print("| started (UTC) | steps | clips | wall min | CPU share | device, threads |")
        print("|---|---|---|---|---|---|")
        for r in rs:
            cpu = "" if r["cpu"] is None else f"{r['cpu']:.2f}"
            print(f"| {r['started']} | {num(r['from'])} → {num(r['to'])} | {num(r['clips'])} | {r['minutes']:.0f} | {cpu} | "
                  f"{r['device']}, {r['threads']} |")
        print(f"\ntotal: {num(sum(r['clips'] for r in rs))} clips in {sum(r['minutes'] for r in rs) / 60:.1f} h of wall time")


if __name__ == "__main__":
    main()
