#!/usr/bin/env python3
"""Self time per op from a libtorch profiler trace (OpProfile's Chrome trace JSON).
Usage: profile-summary.py TRACE.json [STEPS] [TOP]
Self time = an event's duration minus the durations of the events nested directly inside it on the same
thread (aten::linear -> aten::matmul -> aten::mm counts the GEMM once, under aten::mm). Backward ops are
the ones libtorch names '...Backward0' (autograd nodes) and the aten ops they call."""
import json, sys, collections
trace = json.load(open(sys.argv[1]))
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 1
top = int(sys.argv[3]) if len(sys.argv) > 3 else 30
ev = trace['traceEvents'] if isinstance(trace, dict) else trace
ev = [e for e in ev if e.get('ph') == 'X' and 'dur' in e]
by_thread = collections.defaultdict(list)
for e in ev:
    by_thread[e.get('tid')].append(e)
self_t = collections.Counter(); calls = collections.Counter(); total = 0.0
for tid, es in by_thread.items():
    es.sort(key=lambda e: (e['ts'], -e['dur']))
    stack = []  # [end, name, child_time]
    def close(item):
        end, name, child, dur = item
        self_t[name] += dur - child
    for e in es:
        ts, dur = float(e['ts']), float(e['dur'])
        while stack and stack[-1][0] <= ts:
            close(stack.pop())
        if stack:
            stack[-1][2] += dur
        else:
            total += dur
        calls[e['name']] += 1
        stack.append([ts + dur, e['name'], 0.0, dur])
    while stack:
        close(stack.pop())
print(f"{'op':48s} {'ms/step':>9s} {'share':>6s} {'calls/step':>10s}")
for name, t in self_t.most_common(top):
    print(f"{name[:48]:48s} {t/1000/steps:9.1f} {t/total*100:5.1f}% {calls[name]/steps:10.0f}")
print(f"{'total (top-level events)':48s} {total/1000/steps:9.1f}")
