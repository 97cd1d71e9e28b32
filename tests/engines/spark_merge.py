"""Scale-out on Spark (local mode), opt-in: Spark runs wscode-annotate per
path and per whole file as raw bytes (`binaryFiles`), `wscode-annotate
merge -` adds the collected JSON Lines up, and the result must equal one
process over all the data. It also checks that `textFile` changes the bytes
exactly as the README says (lines end at a lone CR, the BOM is dropped,
invalid UTF-8 becomes U+FFFD).

Run by tests/summary.rs (`spark_merges_like_one_process`) when WSCODE_SPARK
is set, with the Python that .ci/spark installs pyspark into:
    python spark_merge.py BINARY WORKDIR REPO
Exits non-zero with a message on the first difference.
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (  # noqa: E402  (the same inputs and checks as Dask's)
    BIN, check_reasons, check_merged, comparable, fail, make_inputs, merged, one_process, tool,
)

from pyspark import SparkConf, SparkContext  # noqa: E402

def on_worker(binary):
    """The task functions, self-contained: Spark's Python workers are other
    processes, which know neither this file's arguments nor `common`."""
    import subprocess

    def summarize(args, data=b""):
        out = subprocess.run([binary, "--summary", "--format", "json", *args],
                             input=data, capture_output=True, check=False)
        if out.returncode != 0:
            raise RuntimeError(f"{args}: status {out.returncode}: {out.stderr!r}")
        return out.stdout.decode()

    return (lambda path: summarize([path]),
            lambda kv: summarize(["--label", kv[0]], bytes(kv[1])))


def main():
    paths = make_inputs()
    whole, alone = one_process(paths)

    conf = (SparkConf().setMaster("local[2]").setAppName("wscode-annotate")
            .set("spark.ui.enabled", "false"))
    sc = SparkContext(conf=conf)
    sc.setLogLevel("ERROR")
    try:
        # Per path: each task opens its file itself.
        summarize_path, summarize_file = on_worker(BIN)
        per_path = sc.parallelize(paths, 4).map(summarize_path).collect()
        m = merged(per_path)
        if comparable(m, positions=True) != comparable(whole, positions=True):
            fail("per path: merged summary differs from one process")
        check_reasons(m, whole)

        # Raw bytes of whole files, labelled with Spark's own path for them.
        started = time.monotonic()
        parts = (sc.binaryFiles(",".join(paths), minPartitions=4)
                 .map(summarize_file)
                 .collect())
        engine = time.monotonic() - started
        check_merged(parts, whole, "binaryFiles")

        # textFile re-reads the text: exactly the documented differences.
        hostile = next(p for p in paths if p.endswith("hostile.log"))
        raw = open(hostile, "rb").read()
        lines = sc.textFile(hostile, 1).collect()
        raw_lines = raw.split(b"\n")
        if len(lines) != len(raw_lines) + raw.count(b"\r") - raw.count(b"\r\n"):
            fail(f"textFile: {len(lines)} lines, expected a line end at each lone CR")
        if lines[0].startswith("\ufeff"):
            fail("textFile kept the byte-order mark")
        if not any("10\ufffd06" in line for line in lines):
            fail("textFile did not turn the invalid byte into U+FFFD")
        text = ("\n".join(lines) + "\n").encode()
        code, out, _ = tool(["--summary", "--format", "json"], text)
        through_text = json.loads(out)
        if through_text["bytes"] == len(raw):
            fail("textFile gave the same bytes: the README's warning is out of date")
    finally:
        sc.stop()
    size = sum(os.path.getsize(p) for p in paths) / (1 << 20)
    print(f"spark: {len(paths)} files ({size:.1f} MiB): merged summaries equal one process; "
          f"the tool alone {alone:.2f} s, per file on Spark (binaryFiles) {engine:.2f} s")


if __name__ == "__main__":
    main()
