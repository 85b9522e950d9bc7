"""Side-by-side peers for benches/remediation.rs: load two IOS configurations and compute the
remediation with hier_config, and parse + diff them with ciscoconfparse2's Diff.

Usage: compare.py RUNNING INTENDED  ->  prints "<tool> <best seconds> <remediation lines>" per tool.
"""
import sys
import time

running = open(sys.argv[1]).read()
intended = open(sys.argv[2]).read()


def best_of(fn, n=3):
    best, out = None, None
    for _ in range(n):
        t = time.perf_counter()
        out = fn()
        s = time.perf_counter() - t
        best = s if best is None else min(best, s)
    return best, out


def hier():
    import hier_config
    if hasattr(hier_config, "Host"):  # hier_config 2.x
        host = hier_config.Host("bench-sw", "ios")
        host.load_running_config(running)
        host.load_generated_config(intended)
        rem = host.remediation_config()
    else:  # hier_config 3.x
        from hier_config import Platform, WorkflowRemediation, get_hconfig
        wf = WorkflowRemediation(get_hconfig(Platform.CISCO_IOS, running), get_hconfig(Platform.CISCO_IOS, intended))
        rem = wf.remediation_config
    return [c.cisco_style_text() for c in rem.all_children_sorted()]


def ccp2():
    from ciscoconfparse2 import Diff
    return Diff(running, intended).get_diff()


import hier_config  # noqa: E402  (import cost outside the timing)
import ciscoconfparse2  # noqa: E402

for name, fn in (("hier_config %s (load + remediation)" % getattr(hier_config, "__version__", ""), hier), ("ciscoconfparse2 %s Diff (parse + diff)" % getattr(ciscoconfparse2, "__version__", ""), ccp2)):
    secs, lines = best_of(fn)
    print("%s %.6f %d" % (name.replace(" ", "_"), secs, len(lines)), flush=True)
