"""A copy of a pack without one optional component, for measuring what that component does through the engine (the
pack's own manifest minus the component, its id suffixed; files copied, since the engine refuses links leading out
of a pack folder).

  ../../.venv/bin/python -m eval.pack_without --component vae_decoder_ref --out /tmp/tw_noref [--pack .]
"""
import argparse
import json
import os
import shutil


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pack", default=".")
    ap.add_argument("--component", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    manifest = json.load(open(os.path.join(a.pack, "pack.json")))
    if a.component not in manifest["components"]:
        raise SystemExit(f"{a.pack}/pack.json has no component {a.component!r}")
    del manifest["components"][a.component]
    manifest["id"] = f"{manifest['id']}-no-{a.component.replace('_', '-')}"
    if os.path.exists(a.out):
        shutil.rmtree(a.out)
    files = [c["file"] for c in manifest["components"].values()] + [c["file"] for c in manifest.get("extraFiles", [])]
    for f in files:
        os.makedirs(os.path.dirname(os.path.join(a.out, f)) or a.out, exist_ok=True)
        shutil.copyfile(os.path.join(a.pack, f), os.path.join(a.out, f))
    with open(os.path.join(a.out, "pack.json"), "w") as out:
        json.dump(manifest, out, indent=2, ensure_ascii=False)
        out.write("\n")
    print(f"{a.out}: {manifest['id']}, {len(files)} files, without {a.component}")


if __name__ == "__main__":
    main()
