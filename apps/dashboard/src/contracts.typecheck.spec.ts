import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * The dashboard's data layer and these specs type-checked against the library's contracts
 * (ts-jest only transpiles in ESM mode). The guards take one guard per contract key and the
 * fixtures `satisfies` the contracts, so a contract change the dashboard does not follow fails here.
 */
describe('dashboard data layer against @active-tracker/nestjs/contracts', () => {
  it('type-checks', () => {
    const configPath = join(dirname(fileURLToPath(import.meta.url)), '../tsconfig.spec.json');
    const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config, ts.sys, dirname(configPath));
    const program = ts.createProgram(parsed.fileNames, { ...parsed.options, noEmit: true });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n') + (d.file ? ` (${d.file.fileName})` : ''));
    expect(problems).toEqual([]);
  }, 60_000);
});
