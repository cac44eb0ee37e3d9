package testcluster

import (
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestStartRetriesWhenAPortIsTaken(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	takenPort := taken.Addr().(*net.TCPAddr).Port

	pick := freePorts
	calls := 0
	freePorts = func(n int) ([]int, error) {
		calls++
		ports, err := pick(n)
		if calls == 1 && err == nil {
			ports[0] = takenPort // etcd's client port
		}
		return ports, err
	}
	t.Cleanup(func() { freePorts = pick })

	start := time.Now()
	c := StartForTest(t, Options{})
	t.Logf("started in %v", time.Since(start))
	if calls < 2 {
		t.Fatalf("freePorts called %d times, want a second start", calls)
	}
	if strings.HasSuffix(c.EtcdURL, ":"+strconv.Itoa(takenPort)) {
		t.Errorf("etcd runs on the taken port %d", takenPort)
	}
	if _, _, err := c.Kubectl(t.Context(), "get", "ns", "default"); err != nil {
		t.Fatal(err)
	}
	// The log of the failed attempt is replaced by the running one's.
	log, err := os.ReadFile(c.LogPath("etcd"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(log), "address already in use") {
		t.Errorf("etcd log still holds the failed attempt")
	}
}
