// ESLint for agent-gate: typescript-eslint with type information on every .ts/.d.ts file of src/,
// test/ and scripts/ (tsconfig.json includes all three), the plain rules on the .js/.cjs/.mjs files.
//
// Which presets, and why:
// - `strictTypeChecked` (a superset of `recommendedTypeChecked`): the rules that catch real bugs in
//   this code base — a promise nobody awaits (no-floating-promises, no-misused-promises,
//   await-thenable), `any` flowing out of a payload or JSON.parse (no-unsafe-*), an object printed as
//   "[object Object]" into a check text (restrict-template-expressions, no-base-to-string), and a
//   branch the types say can never run (no-unnecessary-condition) — a dead branch in a gate is either
//   dead code or a check that does not check what it claims to.
// - `stylisticTypeChecked`: one way to write the same thing (`??` over `||` for defaults, optional
//   chains, `interface` for object types); cheap to follow and the fixes are mechanical.
// - `switch-exhaustiveness-check` on top (in neither preset): a new conclusion, signal kind or
//   policy action must be named in every `switch` over it, or the lint says where it is not; a
//   `default:` does not count as naming it (it would take the new member in silently).
// The few preset rules switched off or tuned below each say why they do not fit.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["lib/**", "dist/**", "node_modules/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    extends: [...tseslint.configs.strictTypeChecked, ...tseslint.configs.stylisticTypeChecked],
    languageOptions: {
      // The project service finds tsconfig.json for each file: one program for src/, test/ and
      // scripts/, the same one `npm run typecheck` checks (it does not reach into node_modules).
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: false }],
      // Numbers and booleans print as themselves in a template; the rule still refuses objects,
      // arrays, `unknown`, null and undefined, the values that print as "[object Object]" or
      // "undefined" in a check text.
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true }],
      // Off: with `noUncheckedIndexedAccess` every `array[i]` is `T | undefined`, also right after a
      // length check or in a loop bound by the length; `!` there states what the line above proved.
      // Replacing the ~340 of them with `?? fail()` would add branches no input can reach.
      "@typescript-eslint/no-non-null-assertion": "off",
      // Bracket access on an index signature (`record["key"]` on a Record<string, unknown> read from
      // YAML, JSON or a payload) marks a key that may be absent; dot access stays for declared fields.
      "@typescript-eslint/dot-notation": ["error", { allowIndexSignaturePropertyAccess: true }],
      // `(x) => log(x)` returning void is the usual callback shape (event handlers, hooks);
      // the rule still flags a void value used in a condition or assigned.
      "@typescript-eslint/no-confusing-void-expression": ["error", { ignoreArrowShorthand: true }],
      // `||` stays right for strings: an empty environment variable, header or error message is as
      // absent as an undefined one and must fall back (`env.LOG_LEVEL || "info"`).
      "@typescript-eslint/prefer-nullish-coalescing": ["error", { ignorePrimitives: { string: true } }],
      // `() => {}` is the explicit "ignore it" callback (a default hook, a silent test logger);
      // an empty function declaration or method is still flagged.
      "@typescript-eslint/no-empty-function": ["error", { allow: ["arrowFunctions"] }],
    },
  },
  {
    files: ["test/**/*.test.ts"],
    rules: {
      // Off in test files only: vitest's asymmetric matchers (expect.any, expect.stringMatching,
      // expect.objectContaining) are typed `any`, so every partial expectation would be an
      // "unsafe assignment"; and assertions dig into the JSON the fake or the app answered through
      // a loose type on purpose — a wrong path fails the assertion. The fake GitHub and the helpers
      // (test/fake-github/, test/helpers/) keep the rules: they handle requests like the app does.
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
    },
  },
  {
    languageOptions: {
      globals: { process: "readonly", console: "readonly", URL: "readonly", Buffer: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setImmediate: "readonly" },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
);
