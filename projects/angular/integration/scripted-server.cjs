// A scripted protocol-v1 WebSocket server for the SDK's integration specs. Karma starts it on
// port 0 (karma.conf.cjs); specs in the browser steer it through POST /changefeed-control:
// close with a code, go silent, send raw frames, restart with a new epoch, switch to a plain
// broadcast server. Deliberately tiny: it stands in until @changefeed/server can be used here.
const http = require('node:http');
const { WebSocketServer } = require('ws');

function createScriptedServer() {
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server });
  const state = {
    mode: 'protocol',
    heartbeat: 0,
    epoch: 'e0',
    seq: 0,
    connections: 0,
    generation: 0,
    log: [],
  };
  const sockets = new Set();
  const listening = new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

  wss.on('error', () => undefined);
  wss.on('connection', (ws) => {
    ws.on('error', () => undefined);
    const socket = { ws, subscribed: new Set(), silent: false, connection: ++state.connections };
    sockets.add(socket);
    ws.on('close', () => sockets.delete(socket));
    if (state.mode === 'protocol') {
      send(socket, {
        type: 'welcome',
        protocol: 1,
        epoch: state.epoch,
        seq: state.seq,
        heartbeat: state.heartbeat,
      });
    }
    ws.on('message', (data) => {
      let frame;
      try {
        frame = JSON.parse(String(data));
      } catch {
        return;
      }
      state.log.push({ connection: socket.connection, frame });
      if (socket.silent || state.mode !== 'protocol') return;
      if (frame.type === 'ping') send(socket, { type: 'pong' });
      if (frame.type === 'subscribe') {
        for (const c of frame.collections) socket.subscribed.add(c);
        send(socket, {
          type: 'subscribed',
          collections: frame.collections,
          ...(frame.ids && { ids: frame.ids }),
          seq: state.seq,
        });
      }
      if (frame.type === 'unsubscribe')
        for (const c of frame.collections) socket.subscribed.delete(c);
      if (frame.type === 'resume' && frame.epoch !== state.epoch) {
        send(socket, { type: 'reset', collections: [...socket.subscribed] });
      }
    });
  });

  function send(socket, frame) {
    if (!socket.silent) socket.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Runs one control command and answers with the server's state. */
  async function control(command) {
    const { port } = (await listening, server.address());
    switch (command.action) {
      case 'reset':
        for (const socket of sockets) socket.ws.terminate();
        sockets.clear();
        Object.assign(state, {
          mode: command.mode ?? 'protocol',
          heartbeat: command.heartbeat ?? 0,
          seq: 0,
          connections: 0,
          log: [],
        });
        state.epoch = `e${++state.generation}`;
        break;
      case 'close':
        for (const socket of sockets) socket.ws.close(command.code);
        break;
      case 'silence':
        for (const socket of sockets) socket.silent = true;
        break;
      case 'raw':
        for (const socket of sockets) send(socket, command.raw);
        break;
      case 'notify': {
        const notification = { ...command.notification, seq: ++state.seq };
        for (const socket of sockets)
          if (socket.subscribed.has(notification.collection)) send(socket, notification);
        break;
      }
      case 'restart':
        state.epoch = `e${++state.generation}`;
        state.seq = 0;
        for (const socket of sockets) socket.ws.close(1001);
        break;
      case 'info':
        break;
      default:
        throw new Error(`unknown action ${command.action}`);
    }
    return {
      port,
      epoch: state.epoch,
      connections: state.connections,
      open: sockets.size,
      log: state.log,
    };
  }

  /** Karma middleware: POST /changefeed-control with a JSON command. */
  function middleware(req, res, next) {
    if (req.url !== '/changefeed-control') return next();
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      control(JSON.parse(body || '{}')).then(
        (reply) =>
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply)),
        (error) => res.writeHead(400).end(String(error)),
      );
    });
  }

  function close() {
    for (const socket of sockets) socket.ws.terminate();
    wss.close();
    server.close();
  }

  return { middleware, close };
}

/** The Karma plugin: a framework that owns the server's lifetime and a middleware that steers it. */
let instance;
function framework(emitter) {
  instance = createScriptedServer();
  emitter.on('exit', (done) => {
    instance.close();
    done();
  });
}
framework.$inject = ['emitter'];

function middlewareFactory() {
  return (req, res, next) => (instance ? instance.middleware(req, res, next) : next());
}

module.exports = {
  'framework:changefeed-scripted-server': ['factory', framework],
  'middleware:changefeed-control': ['factory', middlewareFactory],
};
