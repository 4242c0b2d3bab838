// The `vscode` module, faked only as far as vscode-languageclient and the extension reach when they
// start a server, sync documents and show diagnostics: events, URIs, positions, ranges,
// diagnostics and their collections, configuration, commands and an output channel. Everything
// else it touches (registering providers, other classes) is answered by catch-all stand-ins that
// record their arguments, so that the real client library runs unchanged.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

type Disposable = { dispose(): void };

class EventEmitter<T> {
  private listeners: ((e: T) => unknown)[] = [];
  readonly event = (listener: (e: T) => unknown): Disposable => {
    this.listeners.push(listener);
    return { dispose: () => void this.listeners.splice(this.listeners.indexOf(listener), 1) };
  };
  fire(e: T) {
    for (const l of [...this.listeners]) l(e);
  }
  dispose() {
    this.listeners = [];
  }
}

class DisposableClass {
  constructor(private readonly callOnDispose: () => void = () => {}) {}
  static from(...items: Disposable[]) {
    return new DisposableClass(() => items.forEach((d) => d?.dispose?.()));
  }
  dispose() {
    this.callOnDispose();
  }
}

class Uri {
  constructor(readonly scheme: string, readonly fsPath: string, private readonly text: string) {}
  static parse(text: string) {
    const url = new URL(text);
    return new Uri(url.protocol.slice(0, -1), decodeURIComponent(url.pathname), text);
  }
  static file(path: string) {
    return new Uri('file', path, pathToFileURL(path).href);
  }
  get path() {
    return this.fsPath;
  }
  with() {
    return this;
  }
  toString() {
    return this.text;
  }
  toJSON() {
    return this.text;
  }
}

class Position {
  constructor(readonly line: number, readonly character: number) {}
}
class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(a: Position | number, b: Position | number, c?: number, d?: number) {
    this.start = typeof a === 'number' ? new Position(a, b as number) : a;
    this.end = typeof a === 'number' ? new Position(c!, d!) : (b as Position);
  }
}
class Diagnostic {
  code?: string | { value: string; target: Uri };
  relatedInformation?: unknown[];
  constructor(readonly range: Range, readonly message: string, readonly severity?: number) {}
}

class CodeActionKind {
  static readonly Empty = new CodeActionKind('');
  static readonly QuickFix = new CodeActionKind('quickfix');
  static readonly Refactor = new CodeActionKind('refactor');
  static readonly Source = new CodeActionKind('source');
  constructor(readonly value: string) {}
  append(part: string) {
    return new CodeActionKind(this.value ? `${this.value}.${part}` : part);
  }
}

/** A stand-in for a class the test does not look into: it keeps what it was given. */
const recordingClass = (name: string) =>
  ({
    [name]: class {
      constructor(...args: unknown[]) {
        Object.assign(this, { args });
      }
    },
  })[name]!;

/** A namespace of functions: `on…` are events, `register…`/`create…` return disposables. */
function namespace(name: string, known: Record<string, unknown>, calls: string[]): Record<string, unknown> {
  return new Proxy(known, {
    get(target, key) {
      if (typeof key !== 'string' || key in target) return target[key as string];
      if (key === 'then') return undefined;
      return (...args: unknown[]) => {
        calls.push(`${name}.${key}`);
        void args;
        return new DisposableClass();
      };
    },
  });
}

export interface FakeDocument {
  uri: Uri;
  fileName: string;
  languageId: string;
  version: number;
  isClosed: boolean;
  getText(): string;
  lineCount: number;
}

export function fakeVscode(options: { workspaceFolder?: string; settings?: Record<string, unknown> } = {}) {
  const calls: string[] = [];
  const opened = new EventEmitter<FakeDocument>();
  const changed = new EventEmitter<unknown>();
  const closed = new EventEmitter<FakeDocument>();
  const configurationChanged = new EventEmitter<{ affectsConfiguration(section: string): boolean }>();
  const textDocuments: FakeDocument[] = [];
  const diagnostics = new Map<string, Diagnostic[]>();
  const diagnosticsChanged = new EventEmitter<string>();
  const commands = new Map<string, (...args: unknown[]) => unknown>();
  const outputLines: string[] = [];
  const errors: string[] = [];
  const settings: Record<string, unknown> = { ...options.settings };
  const folder = options.workspaceFolder;

  const vscode = new Proxy(
    {
      version: '1.91.0',
      EventEmitter,
      Disposable: DisposableClass,
      Uri,
      Position,
      Range,
      Diagnostic,
      CodeActionKind,
      DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
      CancellationTokenSource: class {
        token = { isCancellationRequested: false, onCancellationRequested: () => new DisposableClass() };
        cancel() {
          this.token.isCancellationRequested = true;
        }
        dispose() {}
      },
      CancellationError: class extends Error {},
      LogLevel: { Off: 0, Trace: 1, Debug: 2, Info: 3, Warning: 4, Error: 5 },
      ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
      env: { language: 'en', appName: 'fake vscode', machineId: 'test', openExternal: async () => true },
      workspace: namespace(
        'workspace',
        {
          workspaceFolders: folder ? [{ uri: Uri.file(folder), name: 'workspace', index: 0 }] : undefined,
          textDocuments,
          notebookDocuments: [],
          onDidOpenTextDocument: opened.event,
          onDidChangeTextDocument: changed.event,
          onDidCloseTextDocument: closed.event,
          onDidChangeConfiguration: configurationChanged.event,
          getConfiguration: (section?: string) => ({
            get: (key: string, fallback?: unknown) => settings[section ? `${section}.${key}` : key] ?? fallback,
            has: (key: string) => (section ? `${section}.${key}` : key) in settings,
            inspect: () => undefined,
            update: async () => {},
          }),
          createFileSystemWatcher: () => ({ onDidCreate: () => new DisposableClass(), onDidChange: () => new DisposableClass(), onDidDelete: () => new DisposableClass(), dispose() {} }),
        },
        calls,
      ),
      window: namespace(
        'window',
        {
          activeTextEditor: undefined,
          visibleTextEditors: [],
          tabGroups: { all: [], onDidChangeTabs: () => new DisposableClass(), onDidChangeTabGroups: () => new DisposableClass() },
          createOutputChannel: (name: string) => ({
            name,
            logLevel: 3,
            onDidChangeLogLevel: () => new DisposableClass(),
            ...Object.fromEntries(['append', 'appendLine', 'trace', 'debug', 'info', 'warn', 'error'].map((level) => [level, (s: unknown) => void outputLines.push(String(s))])),
            replace() {},
            clear() {},
            show() {},
            hide() {},
            dispose() {},
          }),
          showErrorMessage: async (message: string) => void errors.push(message),
          showWarningMessage: async (message: string) => void errors.push(message),
          showInformationMessage: async () => undefined,
        },
        calls,
      ),
      languages: namespace(
        'languages',
        {
          match: (selector: { language?: string }[] | { language?: string }, doc: FakeDocument) =>
            ([] as { language?: string }[]).concat(selector).some((s) => s.language === undefined || s.language === doc.languageId) ? 10 : 0,
          createDiagnosticCollection: () => ({
            set(uri: Uri, list: Diagnostic[] | undefined) {
              diagnostics.set(uri.toString(), list ?? []);
              diagnosticsChanged.fire(uri.toString());
            },
            delete(uri: Uri) {
              diagnostics.delete(uri.toString());
            },
            clear: () => diagnostics.clear(),
            forEach() {},
            get: (uri: Uri) => diagnostics.get(uri.toString()),
            has: (uri: Uri) => diagnostics.has(uri.toString()),
            dispose() {},
          }),
        },
        calls,
      ),
      commands: namespace(
        'commands',
        {
          registerCommand: (id: string, run: (...args: unknown[]) => unknown) => {
            commands.set(id, run);
            return new DisposableClass(() => commands.delete(id));
          },
          executeCommand: async (id: string, ...args: unknown[]) => commands.get(id)?.(...args),
        },
        calls,
      ),
    } as Record<string, unknown>,
    {
      get(target, key) {
        if (typeof key !== 'string' || key in target) return target[key as string];
        // The client's compiled `import * as code` copies own keys unless the module says it is ES: then it is used as is.
        if (key === '__esModule') return true;
        if (key === 'then' || key === 'default') return undefined;
        // A class or enum the client only constructs or reads (CompletionItemKind, SnippetString, …).
        const stand = /^[A-Z]/.test(key) ? recordingClass(key) : namespace(key, {}, calls);
        target[key] = stand;
        return stand;
      },
    },
  );

  let version = 0;
  /** Opens a document as the editor would: listed in textDocuments, then announced. */
  const open = (path: string, text: string): FakeDocument => {
    const doc: FakeDocument = { uri: Uri.file(path), fileName: path, languageId: 'nn', version: ++version, isClosed: false, getText: () => text, lineCount: text.split('\n').length };
    textDocuments.push(doc);
    opened.fire(doc);
    return doc;
  };
  const changeSettings = (next: Record<string, unknown>) => {
    Object.assign(settings, next);
    configurationChanged.fire({ affectsConfiguration: (section: string) => Object.keys(next).some((k) => k === section || k.startsWith(`${section}.`)) });
  };
  const nextDiagnostics = (uri: string) =>
    new Promise<Diagnostic[]>((resolve) => {
      const sub = diagnosticsChanged.event((changedUri) => {
        if (changedUri !== uri) return;
        sub.dispose();
        resolve(diagnostics.get(uri)!);
      });
    });
  return { vscode, calls, commands, diagnostics, nextDiagnostics, outputLines, errors, open, changeSettings };
}

/** Loads a CommonJS file (the extension's bundle) with `require('vscode')` answered by `fake`. */
export function requireWithVscode<T>(file: string, fake: unknown): T {
  const require = createRequire(import.meta.url);
  const Module = require('node:module') as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = Module._load;
  Module._load = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? fake : original.call(this, request, ...rest);
  };
  try {
    delete require.cache[require.resolve(file)];
    return require(file) as T;
  } finally {
    Module._load = original;
  }
}
