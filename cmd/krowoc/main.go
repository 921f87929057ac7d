// Command krowoc is the whole Krowoc platform in one binary: the API, the
// web app, Pocketbase auth and admin UI, and the domain store.
package main

import (
	"os"

	"github.com/krowoc/krowoc/internal/app"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	os.Exit(app.Main(version, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}
