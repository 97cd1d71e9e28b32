"""Scale-out on a real engine: Dask runs wscode-annotate per path and per
block (files split mid-way), `wscode-annotate merge -` adds the JSON Lines
up, and the result must equal one process over all the data.

Run by tests/summary.rs (`dask_merges_like_one_process`) with the Python
that .ci/run installs Dask into:
    python dask_merge.py BINARY WORKDIR REPO
Exits non-zero with a message on the first difference.
"""

import os
import subprocess
import sys
import time

import dask.bag
import dask.bytes
from distributed import Client, LocalCluster

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (  # noqa: E402
    annotate_block, check_reasons, check_merged, comparable, fail, make_inputs, merged, one_process,
    summarize_block, summarize_path, tool,
)


def main():
    paths = make_inputs()
    whole, alone = one_process(paths)

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                           dashboard_address=None)
    client = Client(cluster)
    try:
        # Per path: every input whole, in order.
        per_path = dask.bag.from_sequence(paths, npartitions=4).map(summarize_path).compute()
        m = merged(per_path)
        if comparable(m, positions=True) != comparable(whole, positions=True):
            fail("per path: merged summary differs from one process")
        check_reasons(m, whole)

        # Per block: files cut mid-way at newlines.
        blocks_of = dask.bytes.read_bytes(paths, delimiter=b"\n", blocksize=256 * 1024,
                                          sample=False, include_path=True)
        _, blocks, block_paths = blocks_of
        started = time.monotonic()
        tasks = []
        for file_blocks, path in zip(blocks, block_paths):
            for b in file_blocks:
                tasks.append(dask.delayed(summarize_block)(b, path))
        parts = dask.compute(*tasks)
        engine = time.monotonic() - started
        if len(parts) <= len(paths):
            fail("the blocks did not split the files")
        m = check_merged(parts, whole, "per block")
        names = {i["source"] for i in m["inputs"]}
        if names != {os.path.abspath(p) for p in paths} and names != set(block_paths):
            fail(f"--label names: {sorted(names)[:3]}")

        # Annotate through the engine: in block order, stripped, the input.
        annotated = dask.compute(*[dask.delayed(annotate_block)(b)
                                   for file_blocks in blocks for b in file_blocks])
        raw = b"".join(open(p, "rb").read() for p in paths)
        # Each task's output stripped with the README's rule: a block that
        # ends without a newline is a whole input to the tool.
        rule = r"s/ ⟪ws[^⟪⟫]*⏎⟫(\r?)\n\z/$1/ or s/ ⟪ws[^⟪⟫]*⟫(\r?)$/$1/"
        stripped = b"".join(
            subprocess.run(["perl", "-pe", rule], input=a, capture_output=True, check=True).stdout
            for a in annotated)
        if stripped != raw:
            fail("annotate through Dask is not byte-exact once stripped")

        # A part made with another code table is refused.
        first_block = dask.compute(blocks[0][0])[0]
        odd = summarize_block(first_block, block_paths[0], ("--codes", "graphql-ws"))
        code, _, err = tool(["merge", "--format", "json", "-"], (parts[0] + odd).encode())
        if code != 2 or "made with tables graphql-ws" not in err:
            fail(f"a table mismatch was not refused: {code} {err}")
    finally:
        client.close()
        cluster.close()
    size = sum(os.path.getsize(p) for p in paths) / (1 << 20)
    print(f"dask: {len(paths)} files ({size:.1f} MiB), {len(parts)} blocks: merged summaries "
          f"equal one process; the tool alone {alone:.2f} s, per block on Dask {engine:.2f} s")


if __name__ == "__main__":
    main()
