// govmomi-bench: the benchmark's Go side, on Debian's govmomi 0.24 (what govc is built on).
// Clones N VMs from a template and powers them on, snapshots each, then powers off and destroys each,
// with C goroutines at once over one session. Prints one JSON line of phase timings (seconds).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/ioutil"
	"log"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/vim25/types"
)

func run(n, c int, f func(i int) error) error {
	sem := make(chan struct{}, c)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			if err := f(i); err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
			}
		}(i)
	}
	wg.Wait()
	return first
}

func main() {
	rawURL := flag.String("url", "https://127.0.0.1:8989/sdk", "SDK URL")
	user := flag.String("user", "hermes", "user")
	passFile := flag.String("password-file", "", "password file")
	n := flag.Int("count", 200, "VMs")
	c := flag.Int("concurrency", 32, "goroutines")
	prefix := flag.String("prefix", "gobench", "VM name prefix")
	flag.Parse()
	b, err := ioutil.ReadFile(*passFile)
	if err != nil {
		log.Fatal(err)
	}
	u, err := url.Parse(*rawURL)
	if err != nil {
		log.Fatal(err)
	}
	u.User = url.UserPassword(*user, strings.TrimSpace(string(b)))
	ctx := context.Background()
	// vcsim's certificate is signed by the harness CA; govmomi 0.24 has no CA-file option on NewClient,
	// and TLS cost is the same for every tool, so this side skips verification.
	client, err := govmomi.NewClient(ctx, u, true)
	if err != nil {
		log.Fatal(err)
	}
	finder := find.NewFinder(client.Client, true)
	dc, err := finder.Datacenter(ctx, "DC0")
	if err != nil {
		log.Fatal(err)
	}
	finder.SetDatacenter(dc)
	tmpl, err := finder.VirtualMachine(ctx, "tmpl-linux")
	if err != nil {
		log.Fatal(err)
	}
	folders, err := dc.Folders(ctx)
	if err != nil {
		log.Fatal(err)
	}
	pool, err := finder.ResourcePool(ctx, "/DC0/host/DC0_C0/Resources")
	if err != nil {
		log.Fatal(err)
	}
	poolRef := pool.Reference()
	vms := make([]*object.VirtualMachine, *n)
	out := map[string]float64{}

	t0 := time.Now()
	err = run(*n, *c, func(i int) error {
		spec := types.VirtualMachineCloneSpec{Location: types.VirtualMachineRelocateSpec{Pool: &poolRef}}
		task, err := tmpl.Clone(ctx, folders.VmFolder, fmt.Sprintf("%s-%03d", *prefix, i+1), spec)
		if err != nil {
			return err
		}
		info, err := task.WaitForResult(ctx, nil)
		if err != nil {
			return err
		}
		vm := object.NewVirtualMachine(client.Client, info.Result.(types.ManagedObjectReference))
		vms[i] = vm
		t, err := vm.PowerOn(ctx)
		if err != nil {
			return err
		}
		return t.Wait(ctx)
	})
	if err != nil {
		log.Fatal(err)
	}
	out["clone_power_on"] = time.Since(t0).Seconds()

	t0 = time.Now()
	err = run(*n, *c, func(i int) error {
		t, err := vms[i].CreateSnapshot(ctx, "bench", "", false, false)
		if err != nil {
			return err
		}
		return t.Wait(ctx)
	})
	if err != nil {
		log.Fatal(err)
	}
	out["snapshot"] = time.Since(t0).Seconds()

	t0 = time.Now()
	err = run(*n, *c, func(i int) error {
		t, err := vms[i].PowerOff(ctx)
		if err != nil {
			return err
		}
		if err := t.Wait(ctx); err != nil {
			return err
		}
		t, err = vms[i].Destroy(ctx)
		if err != nil {
			return err
		}
		return t.Wait(ctx)
	})
	if err != nil {
		log.Fatal(err)
	}
	out["destroy"] = time.Since(t0).Seconds()
	_ = client.Logout(ctx)
	json.NewEncoder(os.Stdout).Encode(out)
}
