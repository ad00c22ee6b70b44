// use case buildReport: what the report reads — the org tree, the subtree figures and the
// as-of items the figures refresh writes (refresh-figures/port.ts). The report handler and
// the CLI pass the DynamoDB store (shared/data/figures-store.ts).
import type { AsOfStore, FiguresReader } from '../refresh-figures/port.js';
import type { OrgTreeReader } from '../org-tree.js';

export interface ReportReader extends OrgTreeReader, FiguresReader, Pick<AsOfStore, 'readAsOf'> {}
