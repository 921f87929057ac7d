package provider

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestURLPolicy(t *testing.T) {
	open, err := NewURLPolicy(nil)
	if err != nil || open.Restricted() || !open.Allows("http://10.0.0.1:8080/v1") {
		t.Fatalf("an empty allow-list allows everything: %v %v", open.Restricted(), err)
	}
	p, err := NewURLPolicy([]string{"https://openrouter.ai/api/", "http://Ollama.internal:11434"})
	if err != nil {
		t.Fatal(err)
	}
	for raw, want := range map[string]bool{
		"https://openrouter.ai/api/v1":            true,
		"https://OPENROUTER.ai:443/api/v1":        true,
		"https://openrouter.ai/api":               true,
		"https://openrouter.ai/apix/v1":           false, // not below /api
		"https://openrouter.ai/v1":                false,
		"http://openrouter.ai/api/v1":             false, // other scheme
		"https://openrouter.ai.evil.example/api":  false, // other host
		"https://openrouter.ai:8443/api/v1":       false, // other port
		"https://user:pw@openrouter.ai/api/v1":    false, // credentials
		"http://ollama.internal:11434/v1":         true,
		"http://ollama.internal/v1":               false,
		"http://169.254.169.254/latest/meta-data": false,
		"file:///etc/passwd":                      false,
		"not a url":                               false,
	} {
		if got := p.Allows(raw); got != want {
			t.Errorf("Allows(%q) = %v, want %v", raw, got, want)
		}
	}
	for _, bad := range []string{"ftp://x", "https://x?y=1", "https://u@x", "x"} {
		if _, err := NewURLPolicy([]string{bad}); err == nil {
			t.Errorf("NewURLPolicy(%q) accepted", bad)
		}
	}
}

func TestProviderCallsFollowNoRedirectToAnotherHost(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "elsewhere") }))
	defer other.Close()
	var first *httptest.Server
	first = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/same":
			http.Redirect(w, r, first.URL+"/landed", http.StatusFound)
		case "/away":
			http.Redirect(w, r, strings.Replace(other.URL, "127.0.0.1", "localhost", 1)+"/x", http.StatusFound)
		default:
			_, _ = io.WriteString(w, "here")
		}
	}))
	defer first.Close()
	client := NewHTTPClient()
	if resp, err := client.Get(first.URL + "/same"); err != nil {
		t.Fatalf("a redirect within the host: %v", err)
	} else {
		resp.Body.Close()
	}
	if resp, err := client.Get(first.URL + "/away"); err == nil {
		resp.Body.Close()
		t.Fatal("followed a redirect to another host")
	}
}
