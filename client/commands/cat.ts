// `cairn cat config|masterkey|snapshot|index|key|lock|blob|pack ID`: print a repository object's plaintext.
import type { Command } from 'commander';
import { UsageError, isId, type BlobType } from '../../shared/core/index.js';
import { masterKeyToJson } from '../../shared/crypto/index.js';
import { findSnapshot, loadIndex, readBlob } from '../../shared/repository/index.js';
import type { FileType } from '../../shared/storage/index.js';
import { commandContext, withRepository } from '../context.js';

const TYPES = ['config', 'masterkey', 'snapshot', 'index', 'key', 'lock', 'blob', 'pack', 'tree'] as const;

function pretty(json: Buffer | string): string {
  return JSON.stringify(JSON.parse(json.toString()), null, 2);
}

async function resolveId(list: () => Promise<string[]>, prefix: string, what: string): Promise<string> {
  const ids = (await list()).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new UsageError(ids.length === 0 ? `no ${what} with ID ${prefix}` : `${what} ID ${prefix} is ambiguous`);
  return ids[0]!;
}

export function registerCat(program: Command): void {
  program
    .command('cat')
    .description(`print an object's plaintext: ${TYPES.join('|')}`)
    .argument('<type>', TYPES.join('|'))
    .argument('[id]', 'object ID (full or unique prefix; `latest` for snapshot)')
    .addHelpText('after', '\nExamples:\n  cairn cat config\n  cairn cat snapshot latest\n  cairn cat blob <64-hex blob ID> > chunk.bin')
    .action(async (type: string, idArg: string | undefined, _opts: unknown, cmd: Command) => {
      if (!(TYPES as readonly string[]).includes(type)) throw new UsageError(`cat: unknown type "${type}": use one of ${TYPES.join(', ')}`);
      if (type !== 'config' && type !== 'masterkey' && idArg === undefined) throw new UsageError(`cat ${type} needs an ID`);
      const ctx = commandContext(cmd);
      await withRepository(ctx, 'shared', async ({ repo, printer }) => {
        const write = (s: string | Buffer): void => printer.raw(s);
        const id = idArg ?? '';
        const fileTypes: Record<string, FileType> = { index: 'index', key: 'keys', lock: 'locks', pack: 'data' };
        switch (type) {
          case 'config':
            write(JSON.stringify(repo.config, null, 2) + '\n');
            return;
          case 'masterkey':
            write(JSON.stringify(masterKeyToJson(repo.key), null, 2) + '\n');
            return;
          case 'snapshot': {
            const entry = await findSnapshot(repo, id);
            write(pretty(await repo.loadJson('snapshots', entry.id)) + '\n');
            return;
          }
          case 'index':
          case 'lock': {
            const full = await resolveId(() => repo.listIds(fileTypes[type]!), id, type);
            write(pretty(await repo.loadJson(type === 'index' ? 'index' : 'locks', full)) + '\n');
            return;
          }
          case 'key': {
            const full = await resolveId(() => repo.listIds('keys'), id, 'key');
            write(pretty(await repo.backend.read('keys', full)) + '\n');
            return;
          }
          case 'pack': {
            const full = await resolveId(() => repo.listIds('data'), id, 'pack');
            write(await repo.backend.read('data', full));
            return;
          }
          default: {
            if (!isId(id)) throw new UsageError(`cat ${type} needs a full 64-character blob ID`);
            const { index } = await loadIndex(repo);
            const blobType: BlobType = type === 'tree' || index.has('tree', id) ? 'tree' : 'data';
            write(await readBlob(repo, index, blobType, id));
          }
        }
      });
    });
}
