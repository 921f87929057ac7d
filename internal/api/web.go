package api

import (
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

const notBuiltPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Krowoc</title></head>
<body style="font-family:system-ui;max-width:40rem;margin:4rem auto;padding:0 1rem">
<h1>Krowoc is running</h1><p>This binary was built without the web app. Run <code>make build</code>
(or <code>make run</code>) to embed it. The API is at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>
and the admin UI at <a href="/_/">/_/</a>.</p></body></html>`

// handleWeb serves the embedded static export of the web app: /a/b is
// a/b, a/b.html or a/b/index.html. Unknown pages get the export's 404.html
// (or index.html when there is none). /api/ and /_/ are never shadowed.
func (s *Server) handleWeb(e *core.RequestEvent) error {
	p := strings.TrimPrefix(path.Clean("/"+e.Request.PathValue("path")), "/")
	if p == "api" || strings.HasPrefix(p, "api/") || p == "_" || strings.HasPrefix(p, "_/") {
		return router.NewNotFoundError("", nil)
	}
	web := s.opts.Web
	if web == nil || !fileExists(web, "index.html") {
		return e.HTML(http.StatusOK, notBuiltPage)
	}
	if p == "." || p == "" {
		p = "index.html"
	}
	for _, candidate := range []string{p, p + ".html", p + "/index.html"} {
		if fileExists(web, candidate) {
			return serveFile(e, web, candidate)
		}
	}
	if path.Ext(p) != "" {
		// A missing asset is a 404, not the app shell.
		return router.NewNotFoundError("", nil)
	}
	// Every page of the static export is a real file, so an unknown page is
	// the export's 404 page; without one, fall back to the app shell.
	if fileExists(web, "404.html") {
		e.Response.Header().Set("Cache-Control", "no-cache")
		b, err := fs.ReadFile(web, "404.html")
		if err != nil {
			return err
		}
		return e.HTML(http.StatusNotFound, string(b))
	}
	return serveFile(e, web, "index.html")
}

func fileExists(fsys fs.FS, name string) bool {
	fi, err := fs.Stat(fsys, name)
	return err == nil && !fi.IsDir()
}

func serveFile(e *core.RequestEvent, fsys fs.FS, name string) error {
	f, err := fsys.Open(name)
	if err != nil {
		return router.NewNotFoundError("", nil)
	}
	defer f.Close()
	h := e.Response.Header()
	if strings.HasPrefix(name, "_next/static/") {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if rs, ok := f.(io.ReadSeeker); ok {
		http.ServeContent(e.Response, e.Request, name, time.Time{}, rs)
		return nil
	}
	b, err := io.ReadAll(f)
	if err != nil {
		return err
	}
	return e.Blob(http.StatusOK, mimeType(name), b)
}

func mimeType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	}
	return "application/octet-stream"
}
