import type { IncomingMessage, ServerResponse } from 'node:http';
import { zip } from './zip.js';

/**
 * Workflow artifacts for the GitHub fake, as the REST API serves them: the repository-wide list
 * (`GET /repos/{owner}/{repo}/actions/artifacts`, `name` filter, newest first, each with its
 * workflow_run), and the download (`.../artifacts/{id}/zip`), which answers 302 to a signed blob URL
 * that needs no token, serving the zip.
 */

/** The repository id the fake's runs belong to; a fork's runs have another head repository. */
export const REPOSITORY_ID = 4242;

export interface StoredArtifact {
  name: string;
  /** The workflow run that uploaded it. */
  runId: number;
  files: Record<string, string | Buffer>;
  createdAt?: string;
  expired?: boolean;
  /** Uploaded by a pull request run from a fork. */
  fromFork?: boolean;
}

export interface ArtifactRecord extends StoredArtifact {
  id: number;
  zip: Buffer;
  downloads: number;
}

export class ArtifactStore {
  readonly items: ArtifactRecord[] = [];
  private nextId = 5000;

  constructor(initial: StoredArtifact[] = []) {
    for (const a of initial) this.add(a);
  }

  add(a: StoredArtifact): ArtifactRecord {
    const rec = { ...a, id: this.nextId++, zip: zip(a.files), downloads: 0 };
    this.items.push(rec);
    return rec;
  }

  private view(a: ArtifactRecord, base: string) {
    const created = a.createdAt ?? new Date(Date.UTC(2026, 10, 1) + a.id * 60_000).toISOString();
    return {
      id: a.id,
      node_id: `MDg6QXJ0aWZhY3Q${a.id}`,
      name: a.name,
      size_in_bytes: a.zip.length,
      url: `${base}/repos/o/r/actions/artifacts/${a.id}`,
      archive_download_url: `${base}/repos/o/r/actions/artifacts/${a.id}/zip`,
      expired: a.expired ?? false,
      created_at: created,
      updated_at: created,
      expires_at: new Date(Date.parse(created) + 90 * 86_400_000).toISOString(),
      workflow_run: {
        id: a.runId,
        repository_id: REPOSITORY_ID,
        head_repository_id: a.fromFork ? 9999 : REPOSITORY_ID,
        head_branch: 'main',
        head_sha: '0123456789abcdef0123456789abcdef01234567',
      },
    };
  }

  /** The signed blob URL: served without a token, like the storage the real redirect points to. */
  blob(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    const m = /^\/_blobs\/(\d+)\.zip$/.exec(url.pathname);
    if (req.method !== 'GET' || !m) return false;
    const a = this.items.find((x) => x.id === Number(m[1]));
    if (!a || url.searchParams.get('sig') !== `s${a.id}`) {
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end('<Error><Code>AuthenticationFailed</Code></Error>');
      return true;
    }
    a.downloads++;
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(a.zip.length) });
    res.end(a.zip);
    return true;
  }

  /** The REST routes; answers through `send` and returns true when the path is one of them. */
  route(
    method: string,
    url: URL,
    base: string,
    send: (status: number, payload: unknown, headers?: Record<string, string>) => void,
  ): boolean {
    if (method !== 'GET') return false;
    if (/^\/repos\/[^/]+\/[^/]+\/actions\/artifacts$/.test(url.pathname)) {
      const name = url.searchParams.get('name');
      const per = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
      const all = this.items
        .filter((a) => !name || a.name === name)
        .map((a) => this.view(a, base))
        .sort((a, b) => b.created_at.localeCompare(a.created_at));
      send(200, { total_count: all.length, artifacts: all.slice(0, per) });
      return true;
    }
    const m = /^\/repos\/[^/]+\/[^/]+\/actions\/artifacts\/(\d+)\/zip$/.exec(url.pathname);
    if (!m) return false;
    const a = this.items.find((x) => x.id === Number(m[1]));
    if (!a) send(404, { message: 'Not Found' });
    else if (a.expired) send(410, { message: 'Artifact has expired' });
    else send(302, undefined, { location: `${base}/_blobs/${a.id}.zip?sig=s${a.id}` });
    return true;
  }
}
