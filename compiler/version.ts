// Kept in step with package.json by a test.
export const compilerVersion = '0.1.0';
