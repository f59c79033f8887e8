namespace VeloConnect.TestSupport;
