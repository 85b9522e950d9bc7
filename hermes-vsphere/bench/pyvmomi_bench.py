"""The benchmark's pyvmomi side: clone N VMs from the template and power them on, snapshot each, then
power off and destroy each, over one session, sequentially (--threads 1) or with a thread pool.
Prints one JSON line of phase timings (seconds)."""
import argparse
import json
import ssl
import time
from concurrent.futures import ThreadPoolExecutor

from pyVim.connect import SmartConnect, Disconnect
from pyVim.task import WaitForTask
from pyVmomi import vim

p = argparse.ArgumentParser()
p.add_argument("--host", default="127.0.0.1")
p.add_argument("--port", type=int, default=8989)
p.add_argument("--user", default="hermes")
p.add_argument("--password-file", required=True)
p.add_argument("--ca", required=True)
p.add_argument("--count", type=int, default=200)
p.add_argument("--threads", type=int, default=1)
p.add_argument("--prefix", default="pybench")
a = p.parse_args()

ctx = ssl.create_default_context(cafile=a.ca)
si = SmartConnect(host=a.host, port=a.port, user=a.user, pwd=open(a.password_file).read().strip(), sslContext=ctx)
content = si.RetrieveContent()
tmpl = content.searchIndex.FindByInventoryPath("DC0/vm/tmpl-linux")
folder = content.searchIndex.FindByInventoryPath("DC0/vm")
pool = content.searchIndex.FindByInventoryPath("DC0/host/DC0_C0/Resources")
vms = [None] * a.count


def each(f):
    if a.threads <= 1:
        for i in range(a.count):
            f(i)
    else:
        with ThreadPoolExecutor(a.threads) as ex:
            list(ex.map(f, range(a.count)))


def clone(i):
    spec = vim.vm.CloneSpec(location=vim.vm.RelocateSpec(pool=pool))
    t = tmpl.CloneVM_Task(folder=folder, name="%s-%03d" % (a.prefix, i + 1), spec=spec)
    WaitForTask(t, si=si)
    vm = t.info.result
    vms[i] = vm
    WaitForTask(vm.PowerOnVM_Task(), si=si)


def snap(i):
    WaitForTask(vms[i].CreateSnapshot_Task(name="bench", description="", memory=False, quiesce=False), si=si)


def destroy(i):
    WaitForTask(vms[i].PowerOffVM_Task(), si=si)
    WaitForTask(vms[i].Destroy_Task(), si=si)


out = {}
for name, f in (("clone_power_on", clone), ("snapshot", snap), ("destroy", destroy)):
    t0 = time.time()
    each(f)
    out[name] = time.time() - t0
Disconnect(si)
print(json.dumps(out))
