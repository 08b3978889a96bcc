import type { FileEvaluation } from '../../core/contracts/analogy';

/** The evaluation as one CSV table: a row per space and section, plus each space's overall row. */
export function evaluationTable(evaluation: FileEvaluation): { header: string[]; rows: (string | number | null)[][] } {
  const header = [
    'space',
    'section',
    'questions',
    'evaluated',
    'skipped_oov',
    'correct_3cosadd',
    'accuracy_3cosadd',
    'correct_3cosmul',
    'accuracy_3cosmul',
  ];
  const rows: (string | number | null)[][] = [];
  for (const space of evaluation.spaces) {
    if (!space.ok || !space.result) continue;
    for (const section of [...space.result.sections, space.result.overall]) {
      rows.push([
        space.label,
        section.name,
        section.questions,
        section.evaluated,
        section.skipped,
        section.correct['3CosAdd'] ?? null,
        section.accuracy['3CosAdd'] ?? null,
        section.correct['3CosMul'] ?? null,
        section.accuracy['3CosMul'] ?? null,
      ]);
    }
  }
  return { header, rows };
}
