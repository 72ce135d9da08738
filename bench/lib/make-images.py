#!/usr/bin/python3
"""make-images.py SRC_LAYOUT DEST_DIR N: N OCI layouts that share SRC's layers but differ in
their config (a label), so each is a distinct image. Used to fill a store with 100 images."""
import hashlib
import json
import os
import shutil
import sys


def blob_path(layout, digest):
    return os.path.join(layout, "blobs", *digest.split(":", 1))


def put_blob(layout, data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    path = blob_path(layout, digest)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return digest, len(data)


def main():
    src, dest, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    index = json.load(open(os.path.join(src, "index.json")))
    mdesc = index["manifests"][0]
    manifest = json.load(open(blob_path(src, mdesc["digest"])))
    config = json.load(open(blob_path(src, manifest["config"]["digest"])))
    for i in range(n):
        out = os.path.join(dest, "img%03d" % i)
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        for layer in manifest["layers"]:
            p = blob_path(out, layer["digest"])
            os.makedirs(os.path.dirname(p), exist_ok=True)
            os.link(blob_path(src, layer["digest"]), p)
        config.setdefault("config", {}).setdefault("Labels", {})["bench.n"] = str(i)
        cdigest, csize = put_blob(out, json.dumps(config, sort_keys=True).encode())
        manifest["config"]["digest"], manifest["config"]["size"] = cdigest, csize
        mdigest, msize = put_blob(out, json.dumps(manifest, sort_keys=True).encode())
        with open(os.path.join(out, "index.json"), "w") as f:
            json.dump({"schemaVersion": 2, "manifests": [{
                "mediaType": manifest.get("mediaType",
                                          "application/vnd.oci.image.manifest.v1+json"),
                "digest": mdigest, "size": msize}]}, f)
        with open(os.path.join(out, "oci-layout"), "w") as f:
            f.write('{"imageLayoutVersion": "1.0.0"}')


main()
