package provider

import (
	"fmt"
	"net/url"
	"strings"
)

// URLPolicy limits the base URLs that OpenAI-compatible keys may point the
// server at: the operator's allow-list (KROWOC_ALLOWED_BASE_URLS). The zero
// value allows any http(s) URL.
type URLPolicy struct {
	allowed []*url.URL
}

// NewURLPolicy returns the policy allowing URLs under each prefix, such as
// https://openrouter.ai/api or http://ollama.internal:11434. A prefix
// matches a URL with the same scheme, host and port whose path is the
// prefix's path or lies below it.
func NewURLPolicy(prefixes []string) (URLPolicy, error) {
	var p URLPolicy
	for i, raw := range prefixes {
		u, err := parseHTTPURL(raw)
		if err != nil || u.RawQuery != "" || u.Fragment != "" {
			// Not quoted: a mistaken entry may hold a password.
			return URLPolicy{}, fmt.Errorf("entry %d is not an http(s) URL prefix without query or credentials", i+1)
		}
		p.allowed = append(p.allowed, u)
	}
	return p, nil
}

// Restricted reports whether the policy has an allow-list.
func (p URLPolicy) Restricted() bool { return len(p.allowed) > 0 }

// Allows reports whether raw may be called.
func (p URLPolicy) Allows(raw string) bool {
	if !p.Restricted() {
		return true
	}
	u, err := parseHTTPURL(raw)
	if err != nil {
		return false
	}
	for _, prefix := range p.allowed {
		if u.Scheme == prefix.Scheme && u.Host == prefix.Host && underPath(u.Path, prefix.Path) {
			return true
		}
	}
	return false
}

// Prefixes returns the allow-list, for messages.
func (p URLPolicy) Prefixes() []string {
	out := make([]string, len(p.allowed))
	for i, u := range p.allowed {
		out[i] = u.String()
	}
	return out
}

// parseHTTPURL parses an http(s) URL without user info, lower-cases its
// scheme and host, drops a default port and a trailing slash.
func parseHTTPURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, err
	}
	u.Scheme, u.Host = strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	if (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.User != nil || u.Opaque != "" {
		return nil, fmt.Errorf("not an http(s) URL without credentials")
	}
	if port := u.Port(); (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		u.Host = u.Hostname()
		if strings.Contains(u.Host, ":") {
			u.Host = "[" + u.Host + "]"
		}
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// underPath reports whether path is prefix or lies below it, segment by
// segment ("/api" covers "/api/v1", not "/apix").
func underPath(path, prefix string) bool {
	return prefix == "" || path == prefix || strings.HasPrefix(path, prefix+"/")
}
