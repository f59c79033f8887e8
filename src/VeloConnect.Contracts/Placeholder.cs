namespace VeloConnect.Contracts;
