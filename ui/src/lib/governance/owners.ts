/** Words for remediation owner assignments: what each scope is called, and how its target is asked for. */
import type { OwnerScope } from '../backend';

/** The scopes in the order the form offers them (the broadest first); `unit` only once the workspace knows OUs. */
export const SCOPES: readonly OwnerScope[] = ['unit', 'account', 'control', 'finding'];

export type ScopeWords = {
  /** In the scope select: "Every finding of an account". */
  choice: string;
  /** In a list: "Account". */
  name: string;
  /** The target field's label. */
  target: string;
  placeholder: string;
  hint: string;
};

const WORDS: Record<OwnerScope, ScopeWords> = {
  unit: {
    choice: 'An organizational unit',
    name: 'OU',
    target: 'Organizational unit',
    placeholder: 'ou-ab12-34cd5678',
    hint: 'Every failing finding of the accounts in this OU and the OUs below it, unless an account has its own owner.',
  },
  account: {
    choice: 'An account',
    name: 'Account',
    target: 'Account id',
    placeholder: '111122223333',
    hint: 'Every failing finding of this AWS account (12 digits).',
  },
  control: {
    choice: 'A control',
    name: 'Control',
    target: 'Control id',
    placeholder: 'S3.8',
    hint: 'Every failing finding of this control, in every account.',
  },
  finding: {
    choice: 'A finding',
    name: 'Finding',
    target: 'Finding id',
    placeholder: 'arn:aws:securityhub:…',
    hint: 'One finding, by its id as the explorer shows it.',
  },
};

export function scopeWords(scope: OwnerScope): ScopeWords {
  return WORDS[scope];
}

/** "account 111122223333", "control S3.8": an assignment's target in a sentence. */
export function targetPhrase(scope: OwnerScope, target: string): string {
  return `${WORDS[scope].name.toLowerCase()} ${target}`;
}
