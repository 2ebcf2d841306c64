declare module 'asl-validator' {
  interface AslValidatorError {
    'Error code'?: string;
    Message?: string;
    message?: string;
    instancePath?: string;
    path?: string;
  }
  interface AslValidatorResult {
    isValid: boolean;
    errors: AslValidatorError[];
    errorsText(separator?: string): string;
  }
  function aslValidator(definition: unknown, options?: { checkPaths?: boolean; checkArn?: boolean }): AslValidatorResult;
  export = aslValidator;
}
