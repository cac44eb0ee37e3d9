package lockfile

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestMerge(t *testing.T) {
	at := func(ns, name, dig string) Workload {
		return workload(wid(ns, name), container(name, name+":1", dig))
	}
	ids := func(lf *Lockfile) []string {
		var out []string
		for _, w := range lf.Workloads {
			out = append(out, w.WorkloadID.String()+"@"+w.Containers[0].Digest[7:8])
		}
		return out
	}
	shop := Scope{Namespace: "shop"}
	tests := []struct {
		name      string
		old       *Lockfile // nil: no lockfile yet
		run       Scope
		observed  []Workload
		wantScope []Scope
		want      []string // workload@first hex digit of its digest
	}{
		{
			name: "no old lockfile", run: shop,
			observed:  []Workload{at("shop", "web", digest("a")), at("shop", "api", digest("b"))},
			wantScope: []Scope{shop},
			want:      []string{"apps/Deployment/shop/api@b", "apps/Deployment/shop/web@a"},
		},
		{
			name: "replaces the run's namespace, keeps the others",
			old: lockfileOf([]Scope{shop, {Namespace: "batch"}},
				at("shop", "web", digest("a")), at("shop", "gone", digest("a")), at("batch", "job", digest("a"))),
			run:       shop,
			observed:  []Workload{at("shop", "web", digest("b")), at("shop", "new", digest("b"))},
			wantScope: []Scope{{Namespace: "batch"}, shop},
			want:      []string{"apps/Deployment/batch/job@a", "apps/Deployment/shop/new@b", "apps/Deployment/shop/web@b"},
		},
		{
			name:      "a new namespace joins the scope",
			old:       lockfileOf([]Scope{shop}, at("shop", "web", digest("a"))),
			run:       Scope{Namespace: "batch"},
			observed:  []Workload{at("batch", "job", digest("b"))},
			wantScope: []Scope{{Namespace: "batch"}, shop},
			want:      []string{"apps/Deployment/batch/job@b", "apps/Deployment/shop/web@a"},
		},
		{
			name:      "all namespaces replaces everything and subsumes the namespaces",
			old:       lockfileOf([]Scope{shop, {Namespace: "batch", Selector: "a=b"}}, at("shop", "web", digest("a")), at("batch", "job", digest("a"))),
			run:       Scope{AllNamespaces: true},
			observed:  []Workload{at("shop", "web", digest("b"))},
			wantScope: []Scope{{AllNamespaces: true}},
			want:      []string{"apps/Deployment/shop/web@b"},
		},
		{
			name:      "a selector run keeps entries a wider old scope holds",
			old:       lockfileOf([]Scope{shop}, at("shop", "web", digest("a")), at("shop", "api", digest("a"))),
			run:       Scope{Namespace: "shop", Selector: "app=web"},
			observed:  []Workload{at("shop", "web", digest("b"))},
			wantScope: []Scope{shop},
			want:      []string{"apps/Deployment/shop/api@a", "apps/Deployment/shop/web@b"},
		},
		{
			name:      "a selector run keeps entries of an all-namespaces scope",
			old:       lockfileOf([]Scope{{AllNamespaces: true}}, at("shop", "web", digest("a")), at("shop", "api", digest("a"))),
			run:       Scope{Namespace: "shop", Selector: "app=web"},
			observed:  []Workload{at("shop", "web", digest("b"))},
			wantScope: []Scope{{AllNamespaces: true}},
			want:      []string{"apps/Deployment/shop/api@a", "apps/Deployment/shop/web@b"},
		},
		{
			name:      "the same selector run replaces its entries",
			old:       lockfileOf([]Scope{{Namespace: "shop", Selector: "app=web"}}, at("shop", "web", digest("a")), at("shop", "web-canary", digest("a"))),
			run:       Scope{Namespace: "shop", Selector: "app=web"},
			observed:  []Workload{at("shop", "web", digest("b"))},
			wantScope: []Scope{{Namespace: "shop", Selector: "app=web"}},
			want:      []string{"apps/Deployment/shop/web@b"},
		},
		{
			name:      "another selector in the same namespace keeps both",
			old:       lockfileOf([]Scope{{Namespace: "shop", Selector: "app=api"}}, at("shop", "api", digest("a"))),
			run:       Scope{Namespace: "shop", Selector: "app=web"},
			observed:  []Workload{at("shop", "web", digest("b"))},
			wantScope: []Scope{{Namespace: "shop", Selector: "app=api"}, {Namespace: "shop", Selector: "app=web"}},
			want:      []string{"apps/Deployment/shop/api@a", "apps/Deployment/shop/web@b"},
		},
		{
			name:      "an observed workload already locked outside the run's scope is not duplicated",
			old:       lockfileOf([]Scope{shop}, at("shop", "web", digest("a"))),
			run:       Scope{Namespace: "shop", Selector: "app=web"},
			observed:  []Workload{at("shop", "web", digest("b"))},
			wantScope: []Scope{shop},
			want:      []string{"apps/Deployment/shop/web@b"},
		},
		{
			name:      "a namespace run subsumes the selector scope in it",
			old:       lockfileOf([]Scope{{Namespace: "shop", Selector: "app=web"}}, at("shop", "web", digest("a"))),
			run:       shop,
			observed:  []Workload{at("shop", "api", digest("b"))},
			wantScope: []Scope{shop},
			want:      []string{"apps/Deployment/shop/api@b"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cluster := &Cluster{Server: "https://new.test"}
			got := Merge(tt.old, []Scope{tt.run}, tt.observed, cluster)
			if !reflect.DeepEqual(got.Scope, tt.wantScope) {
				t.Errorf("scope = %+v, want %+v", got.Scope, tt.wantScope)
			}
			if g := ids(got); !slices.Equal(g, tt.want) {
				t.Errorf("workloads = %q, want %q", g, tt.want)
			}
			if got.Cluster != cluster || got.APIVersion != APIVersion || got.Kind != Kind {
				t.Errorf("header = %s %s %+v, want a new lockfile for the run's cluster", got.APIVersion, got.Kind, got.Cluster)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("Merge() result does not validate: %v", err)
			}
		})
	}
}

func TestUnionScopes(t *testing.T) {
	all := Scope{AllNamespaces: true}
	allSel := Scope{AllNamespaces: true, Selector: "app=web"}
	a := Scope{Namespace: "a"}
	aWeb := Scope{Namespace: "a", Selector: "app=web"}
	aAPI := Scope{Namespace: "a", Selector: "app=api"}
	b := Scope{Namespace: "b"}
	tests := []struct {
		name string
		x, y []Scope
		want []Scope
	}{
		{"disjoint namespaces, sorted", []Scope{b}, []Scope{a}, []Scope{a, b}},
		{"duplicates dropped", []Scope{a, a}, []Scope{a}, []Scope{a}},
		{"all namespaces covers namespaces", []Scope{a, aWeb, b}, []Scope{all}, []Scope{all}},
		{"all namespaces covers all namespaces with a selector", []Scope{allSel}, []Scope{all}, []Scope{all}},
		{"a namespace covers itself with a selector", []Scope{aWeb}, []Scope{a}, []Scope{a}},
		{"a selector does not cover the namespace without one", []Scope{a}, []Scope{aWeb}, []Scope{a}},
		{"different selectors are both kept", []Scope{aWeb}, []Scope{aAPI}, []Scope{aAPI, aWeb}},
		{"all namespaces with a selector covers that selector only", []Scope{aWeb, aAPI, b}, []Scope{allSel},
			[]Scope{allSel, aAPI, b}},
		{"all namespaces with a selector does not cover all namespaces", []Scope{all}, []Scope{allSel}, []Scope{all}},
		{"empty", nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := UnionScopes(tt.x, tt.y); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("UnionScopes(%+v, %+v) = %+v, want %+v", tt.x, tt.y, got, tt.want)
			}
		})
	}
}

func TestScopeCovers(t *testing.T) {
	web := map[string]string{"app": "web", "tier": "front"}
	tests := []struct {
		name    string
		scope   Scope
		ns      string
		labels  map[string]string
		want    bool
		wantStr string
	}{
		{"namespace", Scope{Namespace: "shop"}, "shop", nil, true, "namespace shop"},
		{"other namespace", Scope{Namespace: "shop"}, "batch", web, false, "namespace shop"},
		{"all namespaces", Scope{AllNamespaces: true}, "batch", nil, true, "all namespaces"},
		{"matching selector", Scope{Namespace: "shop", Selector: "app=web"}, "shop", web, true, "namespace shop with selector app=web"},
		{"set-based selector", Scope{AllNamespaces: true, Selector: "tier in (front,back),app"}, "x", web, true,
			"all namespaces with selector tier in (front,back),app"},
		{"selector not matching", Scope{Namespace: "shop", Selector: "app=api"}, "shop", web, false, "namespace shop with selector app=api"},
		{"selector and no labels", Scope{Namespace: "shop", Selector: "app"}, "shop", nil, false, "namespace shop with selector app"},
		{"invalid selector covers nothing", Scope{Namespace: "shop", Selector: "app in ("}, "shop", web, false, "namespace shop with selector app in ("},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.scope.Covers(tt.ns, tt.labels); got != tt.want {
				t.Errorf("Covers(%q, %v) = %v, want %v", tt.ns, tt.labels, got, tt.want)
			}
			if got := ScopesCover([]Scope{{Namespace: "unrelated"}, tt.scope}, tt.ns, tt.labels); got != tt.want {
				t.Errorf("ScopesCover() = %v, want %v", got, tt.want)
			}
			wantNS := tt.scope.AllNamespaces || tt.scope.Namespace == tt.ns
			if got := ScopesCoverNamespace([]Scope{tt.scope}, tt.ns); got != wantNS {
				t.Errorf("ScopesCoverNamespace() = %v, want %v", got, wantNS)
			}
			if got := (&Lockfile{Scope: []Scope{tt.scope}}).InScope(tt.ns); got != wantNS {
				t.Errorf("InScope() = %v, want %v", got, wantNS)
			}
			if got := tt.scope.String(); got != tt.wantStr {
				t.Errorf("String() = %q, want %q", got, tt.wantStr)
			}
		})
	}
}

func TestMergeRunsOfSeveralNamespacesAndKeepsTheCluster(t *testing.T) {
	entry := func(ns, name string) Workload {
		return Workload{WorkloadID: WorkloadID{Group: "apps", Kind: "Deployment", Namespace: ns, Name: name},
			Containers: []Container{{Name: "app", Image: "app:1", Digest: "sha256:" + strings.Repeat("a", 64), Entrypoint: "sha256:" + strings.Repeat("e", 64)}}}
	}
	old := New(&Cluster{Server: "https://old", UID: "u-1"})
	old.Scope = []Scope{{Namespace: "a"}, {Namespace: "b"}, {Namespace: "c"}}
	old.Workloads = []Workload{entry("a", "gone"), entry("b", "gone"), entry("c", "kept")}

	got := Merge(old, []Scope{{Namespace: "a"}, {Namespace: "b"}, {Namespace: "d"}}, []Workload{entry("a", "new"), entry("d", "new")}, nil)
	var ids []string
	for _, w := range got.Workloads {
		ids = append(ids, w.WorkloadID.String())
	}
	want := []string{"apps/Deployment/a/new", "apps/Deployment/c/kept", "apps/Deployment/d/new"}
	if strings.Join(ids, " ") != strings.Join(want, " ") {
		t.Errorf("workloads = %q, want %q", ids, want)
	}
	if len(got.Scope) != 4 {
		t.Errorf("scope = %+v, want a, b, c and d", got.Scope)
	}
	if got.Cluster == nil || got.Cluster.UID != "u-1" {
		t.Errorf("a run over manifests dropped the lockfile's cluster: %+v", got.Cluster)
	}
}
