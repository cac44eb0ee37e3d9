package lockfile

import (
	"reflect"
	"testing"
)

func TestNarrow(t *testing.T) {
	shop := Scope{Namespace: "shop"}
	web := Scope{Namespace: "web", Selector: "tier=fe"}
	all := Scope{AllNamespaces: true}
	tests := []struct {
		name      string
		scopes    []Scope
		namespace string
		all       bool
		selector  string
		want      []Scope
		wantErr   string
	}{
		{name: "no flags keep the lockfile's scope", scopes: []Scope{shop, web}, want: []Scope{shop, web}},
		{name: "a namespace in scope", scopes: []Scope{shop, web}, namespace: "web", want: []Scope{web}},
		{name: "a namespace under all namespaces", scopes: []Scope{all}, namespace: "x", want: []Scope{{Namespace: "x"}}},
		{name: "a namespace outside", scopes: []Scope{shop}, namespace: "x",
			wantErr: `namespace "x" is outside the lockfile's scope (namespace shop)`},
		{name: "all namespaces against a namespaced lockfile", scopes: []Scope{shop, web}, all: true,
			wantErr: "--all-namespaces reaches outside the lockfile's scope (namespace shop; namespace web with selector tier=fe)"},
		{name: "all namespaces against an all-namespaces lockfile", scopes: []Scope{all}, all: true, want: []Scope{all}},
		{name: "a selector is added to each entry", scopes: []Scope{shop, web}, selector: "app=x",
			want: []Scope{{Namespace: "shop", Selector: "app=x"}, {Namespace: "web", Selector: "tier=fe,app=x"}}},
		{name: "namespace and all namespaces", scopes: []Scope{all}, namespace: "x", all: true,
			wantErr: "--namespace and --all-namespaces are exclusive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Narrow(tt.scopes, tt.namespace, tt.all, tt.selector)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("want error %q, got %v", tt.wantErr, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
