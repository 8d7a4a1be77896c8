#!/usr/bin/env python3
"""scripts/bench-pipeline's check that mcnd and the Python reference agree on the same
files with the same model: labels equal (>= 99.9%), largest probability difference.

  pipeline_agreement.py MCND_PREDICTIONS.jsonl REFERENCE_PREDICTIONS.jsonl
"""
import json, sys
a = {d["file"]: d for d in map(json.loads, open(sys.argv[1]))}
b = {d["file"]: d for d in map(json.loads, open(sys.argv[2]))}
same = sum(a[f]["label"] == b[f]["label"] for f in a)
diff = max(max(abs(a[f]["probabilities"][k] - b[f]["probabilities"][k]) for k in a[f]["probabilities"]) for f in a)
print("   agreement: %d/%d labels equal, max |p_mcnd - p_reference| = %.2g" % (same, len(a), diff))
if set(a) != set(b) or same < 0.999 * len(a):
    sys.exit("bench-pipeline: mcnd and the reference disagree")
