// hermes-vcsim: govmomi's vSphere simulator (vcsim) with the inventory Hermes' tests expect, on a
// fixed loopback address, serving HTTPS with a certificate signed by a CA of its own (written to a
// file, so clients verify TLS instead of turning verification off).
//
// Inventory (simulator.VPX model): datacenter DC0; cluster DC0_C0 with 4 hosts; 2 datastores
// (LocalDS_0, LocalDS_1); port groups DC0_DVPG0, DC0_DVPG1 and "VM Network"; one VM per resource
// pool, the first of which is renamed "tmpl-linux", powered off and marked as a template.
//
// Built by scripts/peers.d/vcsim.sh in GOPATH mode against Debian's golang-github-vmware-govmomi-dev.
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"flag"
	"fmt"
	"io/ioutil"
	"log"
	"math/big"
	"net"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/simulator"
)

func must(err error, what string) {
	if err != nil {
		log.Fatalf("hermes-vcsim: %s: %v", what, err)
	}
}

// certs makes a CA and a server certificate for 127.0.0.1/localhost signed by it.
func certs(caOut string) (tls.Certificate, []byte) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(err, "CA key")
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "hermes-vcsim test CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(5, 0, 0),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	must(err, "CA certificate")
	ca, err := x509.ParseCertificate(caDER)
	must(err, "CA parse")

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(err, "server key")
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(5, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	must(err, "server certificate")

	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	must(ioutil.WriteFile(caOut+".tmp", caPEM, 0o644), "write CA")
	must(os.Rename(caOut+".tmp", caOut), "rename CA")
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, der
}

func thumbprint(sum []byte) string {
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(parts, ":")
}

func main() {
	listen := flag.String("listen", "127.0.0.1:8989", "loopback address to listen on")
	caOut := flag.String("ca-out", "vcsim-ca.pem", "where to write the CA certificate (PEM)")
	thumbOut := flag.String("thumbprint-out", "", "where to write the server certificate's SHA-256 thumbprint")
	user := flag.String("user", "hermes", "the only user name accepted")
	passFile := flag.String("password-file", "", "file holding the only password accepted")
	hosts := flag.Int("hosts", 4, "hosts in the cluster")
	flag.Parse()

	pass := "hermes"
	if *passFile != "" {
		b, err := ioutil.ReadFile(*passFile)
		must(err, "read password file")
		pass = strings.TrimSpace(string(b))
	}

	model := simulator.VPX()
	model.Datacenter = 1
	model.Cluster = 1
	model.ClusterHost = *hosts
	model.Host = 0
	model.Machine = 1
	model.Datastore = 2
	model.Portgroup = 2
	must(model.Create(), "create model")
	defer model.Remove()

	cert, der := certs(*caOut)
	if *thumbOut != "" {
		s256 := sha256.Sum256(der)
		must(ioutil.WriteFile(*thumbOut, []byte(thumbprint(s256[:])+"\n"), 0o644), "write thumbprint")
	}
	model.Service.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	model.Service.Listen = &url.URL{Host: *listen, User: url.UserPassword(*user, pass)}
	server := model.Service.NewServer()
	defer server.Close()

	// Turn the first VM into the template Hermes clones from.
	ctx := context.Background()
	client, err := govmomi.NewClient(ctx, server.URL, true)
	must(err, "login to self")
	finder := find.NewFinder(client.Client, true)
	dc, err := finder.DefaultDatacenter(ctx)
	must(err, "datacenter")
	finder.SetDatacenter(dc)
	vm, err := finder.VirtualMachine(ctx, "DC0_C0_RP0_VM0")
	must(err, "find first VM")
	task, err := vm.PowerOff(ctx)
	must(err, "power off")
	must(task.Wait(ctx), "power off task")
	task, err = vm.Rename(ctx, "tmpl-linux")
	must(err, "rename")
	must(task.Wait(ctx), "rename task")
	must(vm.MarkAsTemplate(ctx), "mark as template")
	must(client.Logout(ctx), "logout")

	s1 := sha1.Sum(der)
	u := *server.URL
	u.User = nil
	fmt.Printf("hermes-vcsim: vim25 SDK at %s (user %s, CA %s, SHA-1 thumbprint %s)\n", u.String(), *user, *caOut, thumbprint(s1[:]))
	os.Stdout.Sync()

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
}
