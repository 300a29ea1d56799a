// Command bare is the benchmark's floor: a net/http server whose handler only
// reads the request body and answers 200 with a small JSON body.
package main

import (
	"flag"
	"io"
	"log"
	"net/http"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:18081", "loopback host:port")
	flag.Parse()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	})
	log.Fatal(http.ListenAndServe(*listen, h))
}
