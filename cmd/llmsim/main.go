// Command llmsim serves the provider simulator (internal/llmsim) for demos,
// Playwright runs and benchmarks. It speaks the OpenAI, Anthropic and Gemini
// wire formats on one address:
//
//	llmsim -addr 127.0.0.1:8900 [-key secret] [-models gpt-4o-mini,claude-sonnet-4-5]
//	       [-cached 0] [-reasoning 0] [-cache-creation 0] [-latency 0]
//
// Base URLs: OpenAI http://ADDR/v1, Anthropic http://ADDR, Gemini http://ADDR.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/krowoc/krowoc/internal/llmsim"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stderr, nil))
}

// run parses args, serves until ctx ends and returns the exit code. When
// ready is not nil it receives the bound address once the server listens.
func run(ctx context.Context, args []string, stderr io.Writer, ready chan<- string) int {
	fs := flag.NewFlagSet("llmsim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8900", "listen address")
	key := fs.String("key", "", "API key every request must present (empty: any)")
	models := fs.String("models", "", "comma-separated model names to list and configure")
	cached := fs.Int64("cached", 0, "cached input tokens reported for the listed models")
	cacheCreation := fs.Int64("cache-creation", 0, "cache-creation input tokens reported for the listed models")
	reasoning := fs.Int64("reasoning", 0, "reasoning tokens reported for the listed models")
	firstToken := fs.Duration("first-token-delay", 2*time.Second, "delay of the slow-first-token fault")
	chunkDelay := fs.Duration("chunk-delay", 100*time.Millisecond, "delay between chunks of the slow-chunks fault")
	retryAfter := fs.Duration("retry-after", time.Second, "Retry-After announced by the 429 fault")
	pace := fs.Duration("pace", 0, "delay between the chunks of every stream (0: none)")
	latency := fs.Duration("latency", 0, "delay before answering every generation request (0: none)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	opts := llmsim.Options{
		APIKey:          *key,
		FirstTokenDelay: *firstToken,
		ChunkDelay:      *chunkDelay,
		RetryAfter:      *retryAfter,
		Pace:            *pace,
		Latency:         *latency,
	}
	if *models != "" {
		opts.Models = map[string]llmsim.ModelConfig{}
		for m := range strings.SplitSeq(*models, ",") {
			if m = strings.TrimSpace(m); m != "" {
				opts.Models[m] = llmsim.ModelConfig{CachedTokens: *cached, CacheCreationTokens: *cacheCreation, ReasoningTokens: *reasoning}
			}
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "llmsim: %v\n", err)
		return 1
	}
	srv := &http.Server{Handler: llmsim.New(opts), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stderr, "llmsim: listening on http://%s (OpenAI base URL http://%s/v1)\n", ln.Addr(), ln.Addr())
	if ready != nil {
		ready <- ln.Addr().String()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		fmt.Fprintf(stderr, "llmsim: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "llmsim: shutdown: %v\n", err)
	}
	return 0
}
