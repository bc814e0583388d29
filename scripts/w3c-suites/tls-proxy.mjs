// A TLS front for the demo during the W3C suite run: the suites and the VC API want https,
// and microcred serves plain http behind a proxy in production. Loopback only.
// usage: node tls-proxy.mjs LISTEN_PORT UPSTREAM_PORT CERT_PEM KEY_PEM
import {createServer} from 'node:https';
import {request} from 'node:http';
import {readFileSync} from 'node:fs';

const [listenPort, upstreamPort, cert, key] = process.argv.slice(2);
const server = createServer({cert: readFileSync(cert), key: readFileSync(key)}, (req, res) => {
  const upstream = request({
    host: '127.0.0.1',
    port: Number(upstreamPort),
    method: req.method,
    path: req.url,
    // The platform makes links from its public URL, so the Host header can pass unchanged.
    headers: {...req.headers, 'x-forwarded-proto': 'https'}
  }, answer => {
    res.writeHead(answer.statusCode, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', e => {
    res.writeHead(502, {'content-type': 'text/plain'});
    res.end(`upstream: ${e.message}\n`);
  });
  req.pipe(upstream);
});
server.listen(Number(listenPort), '127.0.0.1');
