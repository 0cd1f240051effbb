// The PouchDB side of bench/syncpeer (run by it; not part of the app).
//
//   node pouch.js serve DIR DOCS.json   express-pouchdb on 127.0.0.1, its
//                                       databases in DIR (leveldb), the
//                                       documents loaded into "council";
//                                       prints "ready URL", runs until stdin
//                                       closes
//   node pouch.js client                for every line "URL DIR" on stdin:
//                                       replicates URL into a new leveldb
//                                       PouchDB in DIR; prints "ms docs"
//
// NODE_PATH names the node_modules with pouchdb, express-pouchdb and
// express (make bench-sync installs them into a cache folder).
'use strict';
const fs = require('fs');
const path = require('path');
const readline = require('readline');
const PouchDB = require('pouchdb');

function lines(onLine) {
  const rl = readline.createInterface({ input: process.stdin });
  let chain = Promise.resolve();
  rl.on('line', (l) => { chain = chain.then(() => onLine(l)); });
  rl.on('close', () => chain.then(() => process.exit(0)));
}

async function serve(dir, docsFile) {
  fs.mkdirSync(dir, { recursive: true });
  process.chdir(dir); // express-pouchdb writes its config and log here
  const ServerDB = PouchDB.defaults({ prefix: dir + path.sep });
  const express = require('express');
  const app = express();
  app.use('/', require('express-pouchdb')(ServerDB, {
    mode: 'minimumForPouchDB',
    configPath: path.join(dir, 'config.json'),
    logPath: path.join(dir, 'log.txt'),
  }));
  const db = new ServerDB('council');
  const docs = JSON.parse(fs.readFileSync(docsFile, 'utf8'));
  for (let i = 0; i < docs.length; i += 500) {
    const res = await db.bulkDocs(docs.slice(i, i + 500));
    const bad = res.filter((r) => r.error);
    if (bad.length) throw new Error('bulkDocs: ' + JSON.stringify(bad[0]));
  }
  const srv = app.listen(0, '127.0.0.1', () => {
    console.log('ready http://127.0.0.1:' + srv.address().port + '/council');
  });
  lines(() => {});
}

async function client() {
  lines(async (l) => {
    const [url, dir] = l.trim().split(' ');
    try {
      const local = new PouchDB(dir);
      await local.info(); // opened before the clock starts
      const start = process.hrtime.bigint();
      await PouchDB.replicate(url, local);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const info = await local.info();
      await local.close();
      console.log(ms.toFixed(1) + ' ' + info.doc_count);
    } catch (e) {
      console.log('error ' + String(e && e.message || e).replace(/\n/g, ' '));
    }
  });
}

const [mode, ...args] = process.argv.slice(2);
(mode === 'serve' ? serve(...args) : client()).catch((e) => {
  console.error(e);
  process.exit(1);
});
