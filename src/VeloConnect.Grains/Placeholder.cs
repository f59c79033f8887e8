namespace VeloConnect.Grains;
