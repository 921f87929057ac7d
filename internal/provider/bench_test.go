package provider_test

import (
	"context"
	"testing"

	"github.com/krowoc/krowoc/internal/llmsim"
)

// BenchmarkStream measures one streaming call per provider against the
// simulator on the loopback (simulator work included).
func BenchmarkStream(b *testing.B) {
	s := newSim(b, llmsim.Options{})
	for _, c := range simCases {
		p := newProvider(b, c, s)
		req := goldenRequest(c.model)
		b.Run(c.id, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := p.Stream(context.Background(), req, func(string) error { return nil }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkComplete measures one non-streaming call per provider against the
// simulator on the loopback (simulator work included).
func BenchmarkComplete(b *testing.B) {
	s := newSim(b, llmsim.Options{})
	for _, c := range simCases {
		p := newProvider(b, c, s)
		req := goldenRequest(c.model)
		b.Run(c.id, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := p.Complete(context.Background(), req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
